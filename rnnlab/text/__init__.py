"""Text: the bundled corpus, tokens, the vocabulary, minibatches, n-grams and Zipf's law (lessons 02–03)."""

from .corpus import (
                     CorpusError,
                     heldout_stream,
                     load_corpus_time_machine,
                     read_data_file,
                     read_time_machine,
                     tokenize,
                     train_val_split,
)
from .minibatches import (
                     SeqDataLoader,
                     load_data_time_machine,
                     load_data_time_machine_split,
                     seq_data_iter_random,
                     seq_data_iter_sequential,
)
from .ngram import NgramModel, baseline_perplexity, ngram_counts, ngram_frequencies
from .vocab import Vocab, count_tokens
from .zipf import fit_zipf, min_freq_summary, plot_zipf
