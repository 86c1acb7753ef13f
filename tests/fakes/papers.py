"""Real-looking papers for the unit tests, copied from a recorded Hugging Face daily list.

The six papers below are entries of the recorded `GET /api/daily_papers?limit=30` answer of
2026-06-13 (see ../shared/fixtures/upstream/PROVENANCE.md), written out as `Paper` values so
these tests do not depend on any parser. `make_paper` builds variations of them.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from bot.models import Paper

FEATURED_ON = date(2026, 6, 12)
"""The day every paper below was featured on Hugging Face."""

NOW = datetime(2026, 6, 12, 9, 0, tzinfo=UTC)
"""A moment on the featured day, the default `now` of the tests."""

EVOARENA = Paper(
    id="2606.13681",
    title="EvoArena: Tracking Memory Evolution for Robust LLM Agents in Dynamic Environments",
    abstract=(
        "Large language model (LLM) agents have achieved strong performance on a wide range "
        "of benchmarks, yet most evaluations assume static environments. In contrast, "
        "real-world deployment is inherently dynamic, requiring agents to continually align "
        "their knowledge, skills, and behavior with changing environments and updated task "
        "conditions. To address this gap, we introduce EvoArena, a benchmark suite that "
        "models environment changes as sequences of progressive updates across terminal, "
        "software, and social domains. We further propose EvoMem, a patch-based memory "
        "paradigm that records memory evolution as structured update histories, enabling "
        "agents to reason about environmental evolution through changes in their memory. "
        "Experiments show that current agents struggle on EvoArena, achieving an average "
        "accuracy of 39.6% across evolving terminal, software, and social-preference domains. "
        "EvoMem consistently improves performance, yielding an average gain of 1.5% on "
        "EvoArena and also improving standard benchmarks such as GAIA and LoCoMo by 6.1% and "
        "4.8%. Beyond individual tasks, EvoMem further improves chain-level accuracy by 3.7% "
        "on EvoArena, where success requires completing a consecutive sequence of related "
        "evolutionary subtasks. Mechanistic analysis shows that EvoMem improves evidence "
        "capture in the memory, indicating better preservation of complete evolving "
        "environment states. Our results highlight the importance of modeling evolution in "
        "both evaluation and memory for reliable agent deployment."
    ),
    authors=(
        "Jundong Xu",
        "Qingchuan Li",
        "Jiaying Wu",
        "Yihuai Lan",
        "Shuyue Stella Li",
        "Huichi Zhou",
        "Bowen Jiang",
        "Lei Wang",
        "Jun Wang",
        "Anh Tuan Luu",
        "Caiming Xiong",
        "Hae Won Park",
        "Bryan Hooi",
        "Zhiyuan Hu",
    ),
    published_at=datetime(2026, 6, 11, tzinfo=UTC),
    featured_on=FEATURED_ON,
    upvotes=118,
    comments=3,
    ai_summary=(
        "EvoArena benchmark and EvoMem memory paradigm address the challenge of dynamic "
        "environments in LLM agents by modeling progressive updates and structured memory "
        "evolution, showing improved performance on evolving tasks."
    ),
    ai_keywords=(
        "large language model agents",
        "EvoArena",
        "EvoMem",
        "memory evolution",
        "environment changes",
        "progressive updates",
        "terminal domain",
        "software domain",
        "social domain",
        "chain-level accuracy",
        "mechanistic analysis",
    ),
    github_repo="https://github.com/Aiden0526/EvoArena",
    github_stars=9,
    project_page="https://aiden0526.github.io/EvoArena/",
    thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.13681.png",
    organization="Massachusetts Institute of Technology",
    sources=("hf",),
)

MINIMAX_SPARSE_ATTENTION = Paper(
    id="2606.13392",
    title="MiniMax Sparse Attention",
    abstract=(
        "Ultra-long-context capability is becoming indispensable for frontier LLMs: agentic "
        "workflows, repository-scale code reasoning, and persistent memory all require the "
        "model to jointly attend over hundreds of thousands to millions of tokens, yet the "
        "quadratic cost of softmax attention makes this untenable at deployment scale. We "
        "introduce MiniMax Sparse Attention (MSA), a blockwise sparse attention built upon "
        "Grouped Query Attention (GQA). A lightweight Index Branch scores key-value blocks "
        "and independently selects a Top-k subset for each GQA group, enabling group-specific "
        "sparse retrieval while maintaining efficient block-level execution; the Main Branch "
        "then performs exact block-sparse attention over only the selected blocks. Designed "
        "around a principle of simplicity and scalability, MSA is deliberately streamlined, "
        "making it straightforward to deploy efficiently across a broad range of GPUs. To "
        "translate sparsity into practical speedups, we co-design MSA with a GPU execution "
        "path that uses exp-free Top-k selection and KV-outer sparse attention to improve "
        "tensor-core utilization under block-granular access. On a 109B-parameter model with "
        "native multimodal training, MSA performs on par with GQA while reducing per-token "
        "attention compute by 28.4x at 1M context. Paired with our co-designed kernel, MSA "
        "achieves 14.2x prefill and 7.6x decoding wall-clock speedups on H800. Our inference "
        "kernel is available at: https://github.com/MiniMax-AI/MSA. A production-grade "
        "natively multimodal model powered by MSA has been publicly released at: "
        "https://huggingface.co/MiniMaxAI/MiniMax-M3."
    ),
    authors=(
        "Xunhao Lai",
        "Weiqi Xu",
        "Yufeng Yang",
        "Qiaorui Chen",
        "Yang Xu",
        "Lunbin Zeng",
        "Xiaolong Li",
        "Haohai Sun",
        "Haichao Zhu",
        "Vito Zhang",
        "Pengyu Zhao",
    ),
    published_at=datetime(2026, 6, 11, tzinfo=UTC),
    featured_on=FEATURED_ON,
    upvotes=103,
    comments=4,
    ai_summary=(
        "MiniMax Sparse Attention enables efficient processing of ultra-long contexts in "
        "large language models through blockwise sparsity and optimized GPU execution, "
        "achieving significant speedups while maintaining performance."
    ),
    ai_keywords=(
        "sparse attention",
        "Grouped Query Attention",
        "Top-k selection",
        "blockwise sparse attention",
        "tensor-core utilization",
        "prefill",
        "decoding",
        "attention compute",
        "context length",
    ),
    github_repo="https://github.com/MiniMax-AI/MSA",
    github_stars=251,
    project_page=None,
    thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.13392.png",
    organization="MiniMax",
    sources=("hf",),
)

ROBUST_U1 = Paper(
    id="2606.08063",
    title="Robust-U1: Can MLLMs Self-Recover Corrupted Visual Content for Robust Understanding?",
    abstract=(
        "Multimodal Large Language Models (MLLMs) have demonstrated remarkable success in "
        "visual understanding, yet their performance degrades significantly under real-world "
        "visual corruptions. While existing robustness enhancement approaches exist, they are "
        "limited: black-box feature alignment lacks interpretability, and white-box "
        "text-based reasoning cannot restore lost pixel-level details. This work investigates "
        "a fundamental research question: Can MLLMs recover corrupted visual content by "
        "themselves? To address this, we propose Robust-U1, a novel framework that equips "
        "MLLMs with explicit visual self-recovery capability for robust understanding. The "
        "approach comprises three core stages: supervised fine-tuning for initial "
        "reconstruction, reinforcement learning with dual rewards (pixel-level SSIM and "
        "semantic-level CLIP similarity) for aligning high visual quality, and multimodal "
        "reasoning that jointly considers both the corrupted input and the recovered image. "
        "Extensive experiments demonstrate that Robust-U1 achieves state-of-the-art "
        "robustness on the real-world corruption benchmark and maintains superior performance "
        "under adversarial corruptions on general VQA benchmarks. Analysis confirms that "
        "high-quality visual recovery directly enhances reasoning performance, establishing "
        "self-recovery as a critical mechanism for robust visual understanding. The source "
        "code is available at https://github.com/jqtangust/Robust-U1."
    ),
    authors=(
        "Jiaqi Tang",
        "Jianmin Chen",
        "Youyang Zhai",
        "Wei Wei",
        "Runtao Liu",
        "Mengjie Zhao",
        "Xiangyu Wu",
        "Qingfa Xiao",
        "Qifeng Chen",
    ),
    published_at=datetime(2026, 6, 6, tzinfo=UTC),
    featured_on=FEATURED_ON,
    upvotes=74,
    comments=3,
    ai_summary=(
        "Robust-U1 enhances multimodal large language models' robustness against visual "
        "corruptions through self-recovery capabilities that improve both visual quality and "
        "reasoning performance."
    ),
    ai_keywords=(
        "multimodal large language models",
        "visual corruptions",
        "robustness enhancement",
        "supervised fine-tuning",
        "reinforcement learning",
        "dual rewards",
        "pixel-level SSIM",
        "semantic-level CLIP similarity",
        "multimodal reasoning",
        "visual self-recovery",
    ),
    github_repo="https://github.com/jqtangust/Robust-U1",
    github_stars=86,
    project_page="https://huggingface.co/spaces/Jiaqi-hkust/Robust-U1",
    thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.08063.png",
    organization=None,
    sources=("hf",),
)

HYDRA_X = Paper(
    id="2606.13289",
    title="HYDRA-X: Native Unified Multimodal Models with Holistic Visual Tokenizers",
    abstract=(
        "Holistic visual tokenizers are fundamental to unified multimodal models (UMMs) as "
        "they map diverse visual inputs into a unified representation space. In this paper, "
        "we present HYDRA-X, the first UMM that unifies image and video tokenization within a "
        "single Vision Transformer (ViT). Our design is driven by two core challenges: "
        "efficiently injecting spatiotemporal reconstruction capability into a native ViT, "
        "and embedding image- and video-level semantic awareness into the latent space. To "
        "address the first, comprehensive ablations reveal two key findings: (1) frame-level "
        "causal temporal attention suffices for visual reconstruction, whereas full "
        "spatiotemporal attention degrades it; and (2) hierarchical temporal compression "
        "substantially outperforms single-step alternatives. To tackle the second, we propose "
        "a lightweight decompressor that upsamples temporally compressed features under joint "
        "image-video teacher supervision, thereby enforcing complementary semantic structures "
        "within the compact latent space. Building on this holistic tokenizer, we further "
        "propose a principled improvement of the editing pipeline: source-target interaction "
        "should occur at the latent level inside the tokenizer rather than at the semantic "
        "level inside the LLM, substantially improving editing consistency and accelerating "
        "convergence. Instantiated at the 7B dense model, HYDRA-X achieves strong performance "
        "across image and video understanding and generation tasks, paving the way for future "
        "unified-tokenizer UMMs."
    ),
    authors=(
        "Guozhen Zhang",
        "Xuerui Qiu",
        "Yutao Cui",
        "Tianhui Song",
        "Changlin Li",
        "Junzhe Li",
        "Tao Huang",
        "Xiao Zhang",
        "Yang Li",
        "Jianbing Wu",
        "Miles Yang",
        "Zhao Zhong",
        "Liefeng Bo",
        "Limin Wang",
    ),
    published_at=datetime(2026, 6, 11, tzinfo=UTC),
    featured_on=FEATURED_ON,
    upvotes=25,
    comments=2,
    ai_summary=(
        "HYDRA-X presents a unified multimodal model that integrates image and video "
        "tokenization within a single Vision Transformer, addressing spatiotemporal "
        "reconstruction and semantic awareness through causal temporal attention and "
        "hierarchical compression."
    ),
    ai_keywords=(
        "Vision Transformer",
        "spatiotemporal reconstruction",
        "causal temporal attention",
        "hierarchical temporal compression",
        "latent space",
        "decompressor",
        "teacher supervision",
        "unified multimodal models",
        "visual tokenizers",
    ),
    github_repo=None,
    github_stars=None,
    project_page=None,
    thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.13289.png",
    organization="Nanjing University",
    sources=("hf",),
)

FLASH_GMM = Paper(
    id="2606.10896",
    title="Flash-GMM: A Memory-Efficient Kernel for Scalable Soft Clustering",
    abstract=(
        "We present Flash-GMM, a fused Triton kernel for efficient computation of Gaussian "
        "Mixture Models (GMMs) over large-scale data in a single GPU pass. By eliminating the "
        "need to materialize the full responsibility matrix in GPU memory, Flash-GMM achieves "
        "a 20times speedup over existing implementations and enables training on datasets "
        "more than 100times larger than previously feasible on one device. To demonstrate its "
        "impact, we integrate Flash-GMM into the IVF coarse quantizer for approximate "
        "nearest-neighbor (ANN) search. We show that soft GMM clustering is now a viable "
        "drop-in replacement for k-means, and that GMM responsibilities can be leveraged to "
        "assign border vectors to multiple clusters. Our approach reaches fixed recall "
        "targets with up to 1.7times fewer distance computations, or equivalently, yields "
        "+2--12 recall@10 at matched computational cost. We release the kernel as an "
        "open-source project."
    ),
    authors=("Gal Bloch", "Ariel Gera", "Matan Orbach", "Ohad Eytan", "Assaf Toledo"),
    published_at=datetime(2026, 6, 9, tzinfo=UTC),
    featured_on=FEATURED_ON,
    upvotes=2,
    comments=2,
    ai_summary=(
        "Flash-GMM introduces an efficient fused Triton kernel for Gaussian Mixture Models "
        "that achieves significant speedup and enables processing much larger datasets on a "
        "single GPU."
    ),
    ai_keywords=(
        "Gaussian Mixture Models",
        "Triton kernel",
        "responsibility matrix",
        "approximate nearest-neighbor search",
        "k-means",
        "soft clustering",
        "IVF coarse quantizer",
        "distance computations",
        "recall@10",
    ),
    github_repo="https://github.com/IBM/Flash-GMM",
    github_stars=12,
    project_page=None,
    thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.10896.png",
    organization="IBM Research",
    sources=("hf",),
)

LLM_ADAPTABILITY = Paper(
    id="2606.00467",
    title=(
        "On the Limits of LLM Adaptability: Impact of Model-Internalized Priors on Annotation "
        "Task Performance"
    ),
    abstract=(
        "Large Language Models (LLMs) are increasingly used for zero-shot annotation and "
        "LLM-as-a-judge tasks, yet their reliability hinges on how model-internalized priors "
        "interact with user-provided instructions. We investigate three dimensions of this "
        "interaction: (1) how an LLM's familiarity with data and task definitions affects "
        "performance, (2) the extent to which additional information in prompts can correct "
        'zero-shot errors ("decision stickiness"), and (3) model susceptibility to misaligned '
        "task definitions. Through experiments on toxicity detection across diverse datasets "
        "(spanning social media, gaming, news, and forums) using both dense and "
        "mixture-of-experts models, we find that nearly two-thirds of zero-shot errors are "
        "resistant to correction, with an overall rescue rate (fraction of initial errors "
        "corrected by prompting) of only 34.8%. High-confidence errors prove especially "
        "resistant to correction. When given misaligned definitions, LLMs follow them while "
        "maintaining confidence levels unchanged from the aligned condition. Crucially, we "
        "introduce Definition-Specific Familiarity (DSF), which measures alignment between a "
        "model's internal concept and the task definition. After controlling for "
        "dataset-level confounds, DSF shows a positive association with model performance "
        "(partial r = +0.41), while three distinct memorization metrics (ROUGE-L, BERTScore, "
        "and embedding cosine similarity) all fail to show a positive association. These "
        "findings show the limitations of prompt-based correction in annotation tasks, "
        "highlighting the importance of definition alignment over text-level memorization."
    ),
    authors=("Etienne Casanova", "Rafal Kocielnik", "R. Michael Alvarez"),
    published_at=datetime(2026, 5, 30, tzinfo=UTC),
    featured_on=FEATURED_ON,
    upvotes=0,
    comments=2,
    ai_summary=(
        "Large language models exhibit limited ability to correct zero-shot errors through "
        "prompting, with model performance more strongly linked to definition-specific "
        "familiarity than text-level memorization metrics."
    ),
    ai_keywords=(
        "zero-shot annotation",
        "LLM-as-a-judge",
        "model-internalized priors",
        "decision stickiness",
        "toxicity detection",
        "dense models",
        "mixture-of-experts models",
        "rescue rate",
        "high-confidence errors",
        "misaligned task definitions",
        "Definition-Specific Familiarity",
        "ROUGE-L",
        "BERTScore",
        "embedding cosine similarity",
    ),
    github_repo=None,
    github_stars=None,
    project_page=None,
    thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.00467.png",
    organization="California institute of technology",
    sources=("hf",),
)

ALL = (EVOARENA, MINIMAX_SPARSE_ATTENTION, ROBUST_U1, HYDRA_X, FLASH_GMM, LLM_ADAPTABILITY)
"""The six recorded papers, most upvoted first."""


def make_paper(base: Paper = MINIMAX_SPARSE_ATTENTION, **changes: Any) -> Paper:
    """A copy of a recorded paper with some fields changed, e.g. `make_paper(upvotes=3)`."""
    return dataclasses.replace(base, **changes)
