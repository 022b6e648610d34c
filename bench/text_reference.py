#!/usr/bin/env python3
"""Hugging Face reference side for MetaTune's text classification (issue 21).

Run with the torch venv's python:  PY=$(bench/torch-venv.sh)/bin/python
The model directory is the one scripts/fetch-text-data.sh prints, plus /minilm:
    CACHE=$(scripts/fetch-text-data.sh); DIR=$CACHE/minilm

Subcommands (all output goes to stdout; diagnostics to stderr):

  tokenize --model-dir DIR [--max-length 128] FILE
  tokenize --model-dir DIR [--max-length 128] --csv-column text FILE.csv
      One JSON array of token ids per input string, compact (no spaces), e.g. [101,7592,102].
      Tokenizer: tokenizers.Tokenizer.from_file(DIR/tokenizer.json), special tokens added
      ([CLS] ... [SEP]), truncation to --max-length ids in total (the specials included), no
      padding (the file itself asks for padding to 128; that is switched off).
      Plain FILE: UTF-8, split on "\\n" only (never on \\r, U+0085, U+2028 or other line
      breaks); a final "\\n" ends the last string and does not start another one; an empty line is
      the empty string. CSV FILE: read with Python's csv module (UTF-8, header row), one output line
      per data row, in file order, for the named column.

  embed --model-dir DIR [--max-length 128] [--threads T] [--batch 32] FILE
      One JSON array of floats per input string (same line protocol as tokenize): the sentence
      embedding of SentenceTransformer(DIR, device="cpu", local_files_only=True) with
      max_seq_length = --max-length, encode(..., normalize_embeddings=True). That is BERT, mean
      pooling over the attention mask, L2 normalisation. The float32 values are printed exactly
      (as the shortest decimal of the float64 that holds them). Nothing is fetched from the network
      (HF_HUB_OFFLINE=1, TRANSFORMERS_OFFLINE=1).

  throughput --model-dir DIR --threads T [--length 128] [--batch 32] [--seconds 10]
      Forward-only speed of the MiniLM encoder (the transformer, without pooling) on CPU:
      torch.set_num_threads(T), torch.no_grad(), eval mode; every sentence is exactly --length
      tokens ([CLS], the token of "hello" repeated, [SEP]), attention mask all ones. Three warm-up
      batches, then batches are timed one by one for about --seconds (at least 3); the result is
      batch / median batch time. Prints one JSON object:
      {"threads", "length", "batch", "sentences_per_second", "torch"}.

  sentences --csv CACHE/bbc.csv [--count 100]
      The sentences for the embedding comparison, one per line: in the CSV's row order (sorted by
      class, then file), the articles at rows 0, s, 2s, ... with s = rows // count (22 for 2,225
      rows and 100), stopping after --count of them. From each article: drop the first line (the
      headline); take the first non-empty line after it (the first paragraph), collapse every run
      of whitespace to one space and strip; keep the text up to and including the first ".", "!"
      or "?" that is followed by a space or ends the paragraph (the whole paragraph if there is
      none). An article without a paragraph gives its headline.
"""
import argparse
import csv
import json
import os
import re
import statistics
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def read_lines(path):
    """The strings of a line file: UTF-8, split on "\\n" only, a final "\\n" ends the last one."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    if text == "":
        return []
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()
    return parts


def read_csv_column(path, column):
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or column not in reader.fieldnames:
            sys.exit(f"text_reference: {path} has no column {column!r} (columns: {reader.fieldnames})")
        return [row[column] for row in reader]


def read_inputs(args):
    if args.csv_column:
        return read_csv_column(args.file, args.csv_column)
    return read_lines(args.file)


def write_json_lines(rows):
    out = sys.stdout
    for row in rows:
        out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False))
        out.write("\n")
    out.flush()


def model_dir(path):
    if not os.path.isfile(os.path.join(path, "tokenizer.json")):
        sys.exit(f"text_reference: {path} has no tokenizer.json (run scripts/fetch-text-data.sh; "
                 "the model directory is $CACHE/minilm)")
    return os.path.abspath(path)


def load_tokenizer(directory, max_length):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    return tok


def cmd_tokenize(args):
    directory = model_dir(args.model_dir)
    tok = load_tokenizer(directory, args.max_length)
    texts = read_inputs(args)
    start = time.perf_counter()
    encodings = tok.encode_batch(texts, add_special_tokens=True)
    elapsed = time.perf_counter() - start
    write_json_lines(e.ids for e in encodings)
    total = sum(len(e.ids) for e in encodings)
    print(f"text_reference: tokenized {len(texts)} strings into {total} ids in {elapsed:.3f} s",
          file=sys.stderr)


def set_threads(threads):
    import torch

    if threads is not None:
        if threads < 1:
            sys.exit("text_reference: --threads must be at least 1")
        torch.set_num_threads(threads)
    return torch


def load_sentence_transformer(directory, max_length):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(directory, device="cpu", local_files_only=True)
    model.max_seq_length = max_length
    model.eval()
    return model


def cmd_embed(args):
    directory = model_dir(args.model_dir)
    torch = set_threads(args.threads)
    texts = read_inputs(args)
    model = load_sentence_transformer(directory, args.max_length)
    start = time.perf_counter()
    with torch.no_grad():
        emb = model.encode(texts, batch_size=args.batch, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
    elapsed = time.perf_counter() - start
    write_json_lines([float(x) for x in row] for row in emb)
    print(f"text_reference: embedded {len(texts)} strings ({emb.shape[1]} floats each) in "
          f"{elapsed:.3f} s with {torch.get_num_threads()} thread(s)", file=sys.stderr)


def cmd_throughput(args):
    directory = model_dir(args.model_dir)
    torch = set_threads(args.threads)
    if args.length < 2 or args.batch < 1:
        sys.exit("text_reference: --length must be at least 2 and --batch at least 1")
    tok = load_tokenizer(directory, 512)
    word = tok.encode("hello", add_special_tokens=False).ids
    if len(word) != 1:
        sys.exit(f"text_reference: 'hello' is not a single token here ({word})")
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")

    model = load_sentence_transformer(directory, args.length)
    encoder = model[0].auto_model  # the BertModel inside the sentence-transformers Transformer module
    encoder.eval()
    max_pos = encoder.config.max_position_embeddings
    if args.length > max_pos:
        sys.exit(f"text_reference: --length {args.length} exceeds the model's {max_pos} positions")

    ids = torch.tensor([[cls_id] + word * (args.length - 2) + [sep_id]] * args.batch, dtype=torch.long)
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)

    def run():
        return encoder(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state

    times = []
    with torch.no_grad():
        for _ in range(3):
            run()
        deadline = time.perf_counter() + args.seconds
        while len(times) < 3 or time.perf_counter() < deadline:
            t0 = time.perf_counter()
            out = run()
            times.append(time.perf_counter() - t0)
    assert tuple(out.shape) == (args.batch, args.length, encoder.config.hidden_size)
    median = statistics.median(times)
    print(f"text_reference: {len(times)} timed batches, median {median * 1000:.1f} ms, "
          f"attention {getattr(encoder.config, '_attn_implementation', '?')}", file=sys.stderr)
    print(json.dumps({
        "threads": torch.get_num_threads(),
        "length": args.length,
        "batch": args.batch,
        "sentences_per_second": args.batch / median,
        "torch": torch.__version__,
    }))


_SENTENCE_END = re.compile(r"[.!?](?= |$)")


def first_sentence(article):
    lines = article.split("\n")
    headline = " ".join(lines[0].split())
    for line in lines[1:]:
        para = " ".join(line.split())
        if para:
            m = _SENTENCE_END.search(para)
            return para[: m.end()] if m else para
    return headline


def cmd_sentences(args):
    texts = read_csv_column(args.csv, "text")
    if args.count < 1 or args.count > len(texts):
        sys.exit(f"text_reference: --count must be between 1 and {len(texts)}")
    step = len(texts) // args.count
    picked = [first_sentence(texts[i * step]) for i in range(args.count)]
    out = sys.stdout
    for s in picked:
        assert "\n" not in s
        out.write(s + "\n")
    print(f"text_reference: {len(picked)} sentences from rows 0, {step}, ..., {(args.count - 1) * step}",
          file=sys.stderr)


def main():
    p = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Model directory: $(scripts/fetch-text-data.sh)/minilm. Line files are split on "
               "\"\\n\" only.")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("tokenize", help="token ids, one JSON array per input string",
                       description="Print one JSON array of token ids ([CLS] ... [SEP], truncated, "
                                   "unpadded) per line of FILE (split on \"\\n\" only) or per CSV row.")
    t.add_argument("--model-dir", required=True, help="folder with tokenizer.json")
    t.add_argument("--max-length", type=int, default=128, help="truncate to this many ids incl. specials (128)")
    t.add_argument("--csv-column", metavar="NAME", help="FILE is a CSV; tokenize this column of every row")
    t.add_argument("file", metavar="FILE")
    t.set_defaults(func=cmd_tokenize)

    e = sub.add_parser("embed", help="normalised sentence embeddings, one JSON array per input string",
                       description="Print one JSON array of floats (mean-pooled, L2-normalised "
                                   "sentence-transformers embedding) per line of FILE or per CSV row.")
    e.add_argument("--model-dir", required=True, help="the sentence-transformers model folder")
    e.add_argument("--max-length", type=int, default=128, help="max_seq_length in tokens (128)")
    e.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    e.add_argument("--batch", type=int, default=32, help="encode batch size (32)")
    e.add_argument("--csv-column", metavar="NAME", help="FILE is a CSV; embed this column of every row")
    e.add_argument("file", metavar="FILE")
    e.set_defaults(func=cmd_embed)

    h = sub.add_parser("throughput", help="forward-only encoder speed in sentences/s",
                       description="Median forward-pass throughput of the MiniLM encoder at exactly "
                                   "--length tokens per sentence; prints one JSON object.")
    h.add_argument("--model-dir", required=True, help="the sentence-transformers model folder")
    h.add_argument("--threads", type=int, required=True, help="torch.set_num_threads")
    h.add_argument("--length", type=int, default=128, help="tokens per sentence incl. [CLS]/[SEP] (128)")
    h.add_argument("--batch", type=int, default=32, help="sentences per forward pass (32)")
    h.add_argument("--seconds", type=float, default=10.0, help="time spent on timed batches (10)")
    h.set_defaults(func=cmd_throughput)

    s = sub.add_parser("sentences", help="the deterministic pick of BBC sentences, one per line",
                       description="First sentence of the first paragraph of every (rows // count)-th "
                                   "article of bbc.csv, in row order; see the module docstring.")
    s.add_argument("--csv", required=True, help="bbc.csv written by scripts/fetch-text-data.sh")
    s.add_argument("--count", type=int, default=100, help="how many sentences (100)")
    s.set_defaults(func=cmd_sentences)

    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
