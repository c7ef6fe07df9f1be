import time, torch, logging
from bench.anercorp import load_splits, load_model, encode
from bench.baseline import train_baseline
from train.engine import EngineSettings, train_model
config, splits, names = load_splits()
tok, model = load_model(config, names, 42)
ids, labels = encode(tok, splits["train"])
L=[len(i) for i in ids]
print(len(ids), sum(L), max(L), sum(L)/len(L), {k: len(v["tokens"]) for k,v in splits.items()})
t=time.perf_counter(); r=train_baseline(model, tok, ids, labels, max_steps=40); print("baseline", r["real_tokens"]/r["train_seconds"], r["train_seconds"], r["steps"])
for bt in (1024, 2048, 4096, 8192):
    tok, model = load_model(config, names, 42)
    s=EngineSettings(batch_tokens=bt, max_steps=max(4, 40*8*48//bt), logging_steps=0)
    r=train_model(model, ids, labels, s, pad_id=tok.pad_token_id)
    print("fast", bt, r.real_tokens/r.train_seconds, r.train_seconds, r.steps, r.padded_tokens/r.real_tokens)
