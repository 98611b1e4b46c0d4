"""The benchmark's models in PyTorch and JAX, for a side-by-side comparison with `make bench`.

Never a dependency of the workbook: `make bench-peers` runs it from a throwaway venv
(`pip install torch "jax[cpu]" optax`). It trains the same models as Sources/bench/main.swift, with the
same batch sizes, losses and optimizer (Adam 1e-3) on the same kind of data (uniform pixels in [0, 1]),
and prints one JSON line per peer and model: {"peer": ..., "model": ..., "samples_per_second": ...},
the median of several timed windows after a warm-up.

    python3 bench/peers.py [--threads 2] [--windows 5] [--models a,b,c,d] [--peers torch,jax]
"""
import argparse
import json
import os
import statistics
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--windows", type=int, default=5)
parser.add_argument("--models", default="a,b,c,d")
parser.add_argument("--peers", default="torch,jax")
arguments = parser.parse_args()
models = arguments.models.split(",")

# XLA reads its thread settings when it starts: set them before importing jax.
os.environ.setdefault(
    "XLA_FLAGS",
    f"--xla_cpu_multi_thread_eigen={'true' if arguments.threads > 1 else 'false'} "
    f"intra_op_parallelism_threads={arguments.threads}")

BATCH = {"a": 512, "b": 128, "c": 128, "d": 128}
SAMPLES = 4096


def steps_per_window(batch):
    return max(20, 40_000 // batch)


def report(peer, model, rates):
    print(json.dumps({"peer": peer, "model": model, "samples_per_second": round(statistics.median(rates))}), flush=True)


def timed_windows(step, batches, batch):
    for index in range(5):
        step(batches[index % len(batches)])
    rates = []
    count = steps_per_window(batch)
    for _ in range(arguments.windows):
        start = time.perf_counter()
        for index in range(count):
            step(batches[index % len(batches)])
        rates.append(batch * count / (time.perf_counter() - start))
    return rates


def run_torch():
    import torch
    from torch import nn
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)
    data = torch.rand(SAMPLES, 784)

    def mlp(sizes, out=None):
        layers = []
        for index in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[index], sizes[index + 1]))
            if index < len(sizes) - 2:
                layers.append(nn.ReLU())
        if out is not None:
            layers.append(out)
        return nn.Sequential(*layers)

    def autoencoder(sizes, out, loss):
        model = nn.Sequential(mlp(sizes), mlp(list(reversed(sizes)), out))
        return model, lambda batch: loss(model(batch), batch)

    def vae():
        encoder, decoder = mlp([784, 400, 40]), mlp([20, 400, 784])
        model = nn.ModuleList([encoder, decoder])

        def loss(batch):
            mean, log_variance = encoder(batch).chunk(2, dim=1)
            code = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
            reconstruction = nn.functional.binary_cross_entropy_with_logits(decoder(code), batch, reduction="sum") / batch.shape[0]
            kl = -0.5 * torch.sum(1 + log_variance - mean.pow(2) - log_variance.exp()) / batch.shape[0]
            return reconstruction + kl
        return model, loss

    def convolutional():
        model = nn.Sequential(
            nn.Sequential(nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 3, stride=2, padding=1),
                          nn.ReLU(), nn.Flatten(), nn.Linear(3136, 20)),
            nn.Sequential(nn.Linear(20, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
                          nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                          nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1)))
        return model, lambda batch: nn.functional.binary_cross_entropy_with_logits(model(batch), batch)

    builders = {
        "a": lambda: autoencoder([784, 256, 128, 64, 20], None, nn.functional.binary_cross_entropy_with_logits),
        "b": lambda: autoencoder([784, 128, 64, 12, 3], nn.Tanh(), nn.functional.mse_loss),
        "c": vae,
        "d": convolutional,
    }
    for name in models:
        model, loss = builders[name]()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        batch = BATCH[name]
        shape = (batch, 1, 28, 28) if name == "d" else (batch, 784)
        batches = [data[index * batch:(index + 1) * batch].reshape(shape) for index in range(SAMPLES // batch)]

        def step(inputs):
            optimizer.zero_grad(set_to_none=True)
            loss(inputs).backward()
            optimizer.step()
        report("pytorch", name, timed_windows(step, batches, batch))


def run_jax():
    import jax
    import jax.numpy as jnp
    import optax

    key = jax.random.PRNGKey(0)
    data = jax.random.uniform(key, (SAMPLES, 784))

    def dense(key, fan_in, fan_out):
        bound = 1 / jnp.sqrt(fan_in)
        weight_key, bias_key = jax.random.split(key)
        return {"w": jax.random.uniform(weight_key, (fan_in, fan_out), minval=-bound, maxval=bound),
                "b": jax.random.uniform(bias_key, (fan_out,), minval=-bound, maxval=bound)}

    def mlp_parameters(key, sizes):
        keys = jax.random.split(key, len(sizes) - 1)
        return [dense(k, sizes[i], sizes[i + 1]) for i, k in enumerate(keys)]

    def mlp(parameters, x):
        for index, layer in enumerate(parameters):
            x = x @ layer["w"] + layer["b"]
            if index < len(parameters) - 1:
                x = jax.nn.relu(x)
        return x

    def bce(logits, labels):
        return jnp.mean(optax.sigmoid_binary_cross_entropy(logits, labels))

    def convolution_parameters(key, shape, bias_count):
        """PyTorch's default: U(±1/√fan_in) with fan_in = shape[1]·kH·kW, for both weight layouts."""
        bound = 1 / jnp.sqrt(shape[1] * shape[2] * shape[3])
        weight_key, bias_key = jax.random.split(key)
        return {"w": jax.random.uniform(weight_key, shape, minval=-bound, maxval=bound),
                "b": jax.random.uniform(bias_key, (bias_count,), minval=-bound, maxval=bound)}

    def convolution(layer, x, stride=2, padding=1):
        y = jax.lax.conv_general_dilated(x, layer["w"], (stride, stride), [(padding, padding)] * 2,
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + layer["b"][None, :, None, None]

    def transposed(layer, x, stride=2, padding=1, output_padding=1, kernel=3):
        # PyTorch's ConvTranspose2d: dilate the input by the stride and pad k − 1 − p (+ output padding).
        low, high = kernel - 1 - padding, kernel - 1 - padding + output_padding
        y = jax.lax.conv_transpose(x, layer["w"], (stride, stride), [(low, high)] * 2,
                                   dimension_numbers=("NCHW", "OIHW", "NCHW"), transpose_kernel=True)
        return y + layer["b"][None, :, None, None]

    keys = jax.random.split(key, 8)
    setups = {}
    if "a" in models:
        sizes = [784, 256, 128, 64, 20]
        setups["a"] = ({"encoder": mlp_parameters(keys[0], sizes), "decoder": mlp_parameters(keys[1], sizes[::-1])},
                       lambda p, x, k: bce(mlp(p["decoder"], mlp(p["encoder"], x)), x))
    if "b" in models:
        sizes = [784, 128, 64, 12, 3]
        setups["b"] = ({"encoder": mlp_parameters(keys[2], sizes), "decoder": mlp_parameters(keys[3], sizes[::-1])},
                       lambda p, x, k: jnp.mean((jnp.tanh(mlp(p["decoder"], mlp(p["encoder"], x))) - x) ** 2))
    if "c" in models:
        def vae_loss(p, x, k):
            mean, log_variance = jnp.split(mlp(p["encoder"], x), 2, axis=1)
            code = mean + jnp.exp(0.5 * log_variance) * jax.random.normal(k, mean.shape)
            reconstruction = jnp.sum(optax.sigmoid_binary_cross_entropy(mlp(p["decoder"], code), x)) / x.shape[0]
            kl = -0.5 * jnp.sum(1 + log_variance - mean ** 2 - jnp.exp(log_variance)) / x.shape[0]
            return reconstruction + kl
        setups["c"] = ({"encoder": mlp_parameters(keys[4], [784, 400, 40]), "decoder": mlp_parameters(keys[5], [20, 400, 784])},
                       vae_loss)
    if "d" in models:
        k = jax.random.split(keys[6], 6)
        parameters = {"c1": convolution_parameters(k[0], (32, 1, 3, 3), 32),
                      "c2": convolution_parameters(k[1], (64, 32, 3, 3), 64),
                      "l1": dense(k[2], 3136, 20), "l2": dense(k[3], 20, 3136),
                      "t1": convolution_parameters(k[4], (64, 32, 3, 3), 32),
                      "t2": convolution_parameters(k[5], (32, 1, 3, 3), 1)}

        def convolutional_loss(p, x, key):
            h = jax.nn.relu(convolution(p["c1"], x))
            h = jax.nn.relu(convolution(p["c2"], h))
            code = h.reshape(x.shape[0], -1) @ p["l1"]["w"] + p["l1"]["b"]
            h = jax.nn.relu(code @ p["l2"]["w"] + p["l2"]["b"]).reshape(x.shape[0], 64, 7, 7)
            h = jax.nn.relu(transposed(p["t1"], h))
            return bce(transposed(p["t2"], h), x)
        setups["d"] = (parameters, convolutional_loss)

    for name in models:
        parameters, loss = setups[name]
        optimizer = optax.adam(1e-3)
        state = optimizer.init(parameters)

        @jax.jit
        def update(parameters, state, x, key):
            value, gradients = jax.value_and_grad(loss)(parameters, x, key)
            updates, state = optimizer.update(gradients, state)
            return optax.apply_updates(parameters, updates), state, value

        batch = BATCH[name]
        shape = (batch, 1, 28, 28) if name == "d" else (batch, 784)
        batches = [data[index * batch:(index + 1) * batch].reshape(shape) for index in range(SAMPLES // batch)]
        holder = {"p": parameters, "s": state, "k": key}

        def step(x):
            holder["k"], subkey = jax.random.split(holder["k"])
            holder["p"], holder["s"], value = update(holder["p"], holder["s"], x, subkey)
            value.block_until_ready()
        report("jax", name, timed_windows(step, batches, batch))


for peer in arguments.peers.split(","):
    {"torch": run_torch, "jax": run_jax}[peer]()
sys.stdout.flush()
