"""The pain / feature / neutral style classifier: lexical features, the model, its training data
(`data/`, the project's own labelled sentences) and training."""
