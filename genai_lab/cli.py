"""The ``genai-lab`` command line: the pipeline, one stage at a time, from a terminal.

    genai-lab pipeline --samples 10000 --seq-len 50 --dim 768
    genai-lab corpus
    genai-lab tokenize "This is a example" --vocab vocab.txt
    genai-lab train --epochs 5
    genai-lab train --text notes.txt --save my-model    (your own text: byte-level BPE)
    genai-lab generate "The sun" --temperature 0.8 --top-k 10
    genai-lab generate --domain picture --out picture.png     (or music --out melody.wav)
    genai-lab generate "The" --checkpoint my-model
    genai-lab trace "The sun rises"

Every subcommand takes ``--json`` for machine-readable output. Bad input gets one line on
stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

from genai_lab.corpus import default_corpus
from genai_lab.data import corpus_stats, load_text, stdlib_docstrings
from genai_lab.display.table import to_jsonable
from genai_lab.domains import (DOMAINS, check_output, domain_model, generate_domain,
                               save_generation)
from genai_lab.generate import DEFAULT_SAMPLING, generate
from genai_lab.pipeline import pipeline_trace, scale_comparison
from genai_lab.predict import prediction_trace
from genai_lab.pretrained import default_model, load_trained, train_default
from genai_lab.realtext import (RealTextConfig, generate_text, is_text_model, load_text_model,
                                save_text_model, train_on_text)
from genai_lab.record import EpochRecord
from genai_lab.sampling import SamplingConfig
from genai_lab.wordpiece import WordPieceTokenizer

PROG = "genai-lab"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one clear line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _emit(args: argparse.Namespace, obj: Any) -> None:
    """Print ``obj`` as JSON (``--json``) or as its text rendering."""
    if args.json:
        data = obj.to_dict() if hasattr(obj, "to_dict") else obj
        print(json.dumps(to_jsonable(data), indent=2))
    else:
        print(obj)


# ---------------------------------------------------------------- subcommands

def cmd_pipeline(args: argparse.Namespace) -> None:
    stages = tuple(range(1, 6)) if args.full else (1, 2, 3)
    comparison = scale_comparison(n_samples=args.samples, seq_len=args.seq_len, dim=args.dim)
    trace = pipeline_trace(seed=args.seed, stages=stages)
    if args.json:
        _emit(args, {**trace.to_dict(), "bert_base_sized": comparison.to_dict()})
    else:
        print(f"{trace}\n\n{comparison}")


def cmd_corpus(args: argparse.Namespace) -> None:
    if args.path:
        samples = load_text(args.path)
        source = str(args.path)
    elif args.stdlib:
        samples = stdlib_docstrings()
        source = "Python standard library docstrings"
    else:
        samples = default_corpus(n_samples=args.samples, seed=args.seed)
        source = f"default grammar corpus (seed {args.seed})"
    stats = corpus_stats(samples)
    n_show = min(args.examples, len(samples))
    if args.json:
        _emit(args, {"source": source, "stats": stats.to_dict(), "examples": samples[:n_show]})
    else:
        print(f"Source: {source}")
        print(stats)
        print("Examples:")
        for s in samples[:n_show]:
            print(f"  {s}")


def cmd_tokenize(args: argparse.Namespace) -> None:
    tok = (WordPieceTokenizer.from_vocab_file(args.vocab) if args.vocab
           else WordPieceTokenizer.course())
    tokens = tok.tokenize(args.text)
    ids = tok.encode(args.text)
    if args.json:
        _emit(args, {"text": args.text, "tokens": tokens, "ids": ids,
                     "vocab": str(args.vocab) if args.vocab else "course"})
    else:
        print("tokens:", " ".join(tokens))
        print(ids)


def cmd_train(args: argparse.Namespace) -> None:
    if args.text:
        return cmd_train_text(args)
    # The one import inside a function, and not to dodge a circle: only this command needs
    # the trainer, so `generate` and `trace` run without loading it.
    from genai_lab.train import TrainConfig
    config = TrainConfig(epochs=5 if args.epochs is None else args.epochs, seed=args.seed,
                         n_samples=args.samples,
                         batch_size=args.batch_size, progress=not args.json and not args.quiet)
    trained = train_default(config, save=args.save, on_epoch=None if args.json else _print_epoch)
    if args.json:
        _emit(args, trained.trace)
    else:
        print()
        print(trained.trace)
        print(trained.trace.ascii_chart())
        if args.save:
            print(f"saved checkpoint to {args.save}")


def cmd_train_text(args: argparse.Namespace) -> None:
    """``train --text PATH``: BPE and the same transformer on the user's own text."""
    config = RealTextConfig(vocab_size=args.vocab_size, block_size=args.block_size,
                            epochs=RealTextConfig().epochs if args.epochs is None
                            else args.epochs, batch_size=args.batch_size, seed=args.seed)
    documents = load_text(args.text, unit=args.unit)
    result = train_on_text(documents, config, progress=not args.json and not args.quiet,
                           on_epoch=None if args.json else _print_epoch)
    if args.save:
        save_text_model(result, args.save)
    if args.json:
        _emit(args, result)
        return
    print()
    print(result)
    print("Samples:")
    for text in result.samples[:5]:
        print(f"  {text}")
    if args.save:
        print(f"saved checkpoint to {args.save}")


def _print_epoch(record: EpochRecord) -> None:
    note = f" - {record.observation}" if record.observation else ""
    print(f"epoch {record.epoch}: train loss {record.train_loss:.4f}, val loss "
          f"{record.val_loss:.4f}, accuracy {record.accuracy:.3f}{note}", flush=True)


def _load_model(args: argparse.Namespace):
    if args.checkpoint:
        return load_trained(args.checkpoint)
    return default_model(progress=not args.json)


def _sampling(args: argparse.Namespace):
    if args.greedy:
        return SamplingConfig(method="greedy")
    return SamplingConfig(method="sample", temperature=args.temperature, top_k=args.top_k,
                          top_p=args.top_p)


def _generate_domain(args: argparse.Namespace, sampling) -> None:
    """``generate --domain picture|music``: one picture (PNG) or melody (WAV) to ``--out``."""
    if args.text is not None or args.checkpoint:
        raise ValueError("--domain generates from the domain's own model: no seed text or "
                         "--checkpoint")
    if args.out is None:
        raise ValueError(f"--domain {args.domain} needs --out FILE (.png for a picture, "
                         ".wav for music)")
    check_output(args.domain, args.out, args.scale, args.tempo)  # before any training
    model = domain_model(args.domain, progress=not args.json)
    text = generate_domain(model, 1, sampling, args.seed)[0]
    _emit(args, save_generation(args.domain, text, args.out, args.scale, args.tempo))


def cmd_generate(args: argparse.Namespace) -> None:
    sampling = _sampling(args)  # checks the numbers before any training starts
    if args.domain is not None:
        _generate_domain(args, sampling)
        return
    if args.text is None:
        raise ValueError("generate needs a seed text, e.g. \"The sun\" (or --domain "
                         "picture|music --out FILE)")
    if args.checkpoint and is_text_model(args.checkpoint):  # from `train --text`
        model, tokenizer = load_text_model(args.checkpoint)
        new = generate_text(model, tokenizer, args.text, args.max_new_tokens, sampling,
                            seed=args.seed)
        if args.json:
            _emit(args, {"prompt": args.text, "text": args.text + new, "new_text": new})
        else:
            print(args.text + new)
        return
    trained = _load_model(args)
    gen = generate(trained.model, trained.tokenizer, args.text,
                   max_new_tokens=args.max_new_tokens, sampling=sampling, seed=args.seed)
    if args.json:
        _emit(args, gen.to_dict() if hasattr(gen, "to_dict") else
              {"prompt": args.text, "text": gen.text})
    else:
        print(gen.sentence)


def cmd_trace(args: argparse.Namespace) -> None:
    sampling = _sampling(args)
    if args.checkpoint and is_text_model(args.checkpoint):
        raise ValueError(f"{args.checkpoint!r} is a model trained with `train --text` "
                         f"(byte-level BPE); trace follows the course's word-level model: "
                         f"use generate with it")
    trained = _load_model(args)
    trace = prediction_trace(trained.model, trained.tokenizer, args.text,
                             sampling=sampling, seed=args.seed)
    _emit(args, trace)


# ---------------------------------------------------------------- the parser

def _positive_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="What Generative AI actually is: the course's "
                     "pipeline from the command line.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")
        return p

    p = add("pipeline", "Run the course model's stages and print the stage table (shapes, "
            "operations, a real example), then its cost beside a BERT-base-sized model.")
    p.add_argument("--samples", type=int, default=10000,
                   help="sentences of the BERT-base-sized comparison (10000)")
    p.add_argument("--seq-len", type=int, default=50,
                   help="token ids per sentence of the comparison (50)")
    p.add_argument("--dim", type=int, default=768,
                   help="numbers per token of the comparison (768)")
    p.add_argument("--seed", type=int, default=0, help="random seed of generation (0)")
    p.add_argument("--full", action="store_true",
                   help="also run stages 4-5 (training, generation) with the cached model")
    p.set_defaults(func=cmd_pipeline)

    p = add("corpus", "Statistics and examples of a corpus: the default grammar corpus, "
            "a .txt file or folder, or the standard library's docstrings.")
    p.add_argument("path", nargs="?", help="a .txt file or a folder of .txt files")
    p.add_argument("--stdlib", action="store_true", help="use Python's own docstrings")
    p.add_argument("--samples", type=int, default=10000, help="default corpus size (10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument("--examples", type=int, default=5, help="examples to print (5)")
    p.set_defaults(func=cmd_corpus)

    p = add("tokenize", "Split text into WordPiece tokens and ids ([CLS] ... [SEP]).")
    p.add_argument("text", help="the text to tokenize")
    p.add_argument("--vocab", help="a BERT-style vocab.txt (default: the course's vocabulary)")
    p.set_defaults(func=cmd_tokenize)

    p = add("train", "Train the course's transformer on the default corpus (or, with "
            "--text, on your own text), printing the epoch table as it trains.")
    p.add_argument("--epochs", type=int, default=None,
                   help=f"passes over the data (5; with --text {RealTextConfig().epochs})")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument("--samples", type=int, default=10000, help="corpus size (10000)")
    p.add_argument("--batch-size", type=int, default=32, help="sequences per step (32)")
    p.add_argument("--save", help="write the trained model to this checkpoint folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--text", help="train on a UTF-8 .txt file or a folder of them instead, "
                   "with a byte-level BPE tokenizer (no grammar: no entropy floor)")
    p.add_argument("--unit", choices=("sentence", "paragraph", "line"), default="sentence",
                   help="with --text: what one document is (sentence)")
    p.add_argument("--vocab-size", type=int, default=RealTextConfig().vocab_size,
                   help=f"with --text: BPE vocabulary size ({RealTextConfig().vocab_size})")
    p.add_argument("--block-size", type=int, default=RealTextConfig().block_size,
                   help=f"with --text: tokens the model reads ({RealTextConfig().block_size})")
    p.set_defaults(func=cmd_train)

    for name, help_ in (("generate", "Write new text after a seed text, one word at a time."),
                        ("trace", "Follow one input through the model's five layers.")):
        p = add(name, help_)
        p.add_argument("text", nargs="?" if name == "generate" else None,
                       help="the seed text, e.g. \"The sun\"")
        p.add_argument("--temperature", type=_positive_float, default=DEFAULT_SAMPLING.temperature,
                       help="> 0; lower is safer, higher is more surprising "
                       f"({DEFAULT_SAMPLING.temperature})")
        p.add_argument("--top-k", type=int, default=DEFAULT_SAMPLING.top_k,
                       help=f"keep the k likeliest words ({DEFAULT_SAMPLING.top_k})")
        p.add_argument("--top-p", type=_positive_float, default=DEFAULT_SAMPLING.top_p,
                       help="keep the likeliest words up to this total probability, in (0, 1] "
                       f"({DEFAULT_SAMPLING.top_p})")
        p.add_argument("--greedy", action="store_true", help="always take the likeliest word")
        p.add_argument("--seed", type=int, default=0, help="random seed (0)")
        p.add_argument("--checkpoint", help="a checkpoint folder (default: the cached model)")
        if name == "generate":
            p.add_argument("--max-new-tokens", type=int, default=20, help="at most (20)")
            p.add_argument("--domain", choices=DOMAINS,
                           help="make a picture (PNG) or a melody (WAV) instead of text")
            p.add_argument("--out", help="with --domain: the .png or .wav file to write")
            p.add_argument("--scale", type=int, default=16,
                           help="with --domain picture: PNG pixels per picture pixel, 1-64 (16)")
            p.add_argument("--tempo", type=_positive_float, default=120.0,
                           help="with --domain music: quarter notes per minute, 40-240 (120)")
        p.set_defaults(func=cmd_generate if name == "generate" else cmd_trace)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0, or 2 for bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except (ValueError, TypeError, FileNotFoundError, IsADirectoryError,
            PermissionError, UnicodeDecodeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"{PROG} {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
