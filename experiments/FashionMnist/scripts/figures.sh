#!/usr/bin/env bash
# The full Fashion-MNIST comparison behind the figures in the notes: dense, CAT (2x, 3x, both
# ablations), the MDP family (MDP, channel-only MDP, HALP-style, uniform width) at latency reductions
# 0.3/0.5/0.7, and EMO (divide and conquer, whole-network baseline, constraint-training ablation,
# ResNet-20, ResNet-56 and the VGG-style network).
#   experiments/FashionMnist/scripts/figures.sh [ROOT]        (default ROOT: runs/figures)
# Every run trains on one thread (two run side by side on a 2-core machine); latency tables and the
# final latency figures are measured at batch 128 on 2 threads (and batch 1), after training, with
# `measure-latency` over all runs at once, interleaved: run that step on an otherwise idle machine.
# Re-running the script skips finished runs and resumes interrupted ones.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
root=${1:-runs/figures}
mkdir -p "$root"
dotnet build -c Release experiments/FashionMnist >/dev/null
program=(dotnet experiments/FashionMnist/bin/Release/net10.0/PruneGen.FashionMnist.dll)

run() { # run <name> <experiment> [--set k=v ...]; one thread unless the arguments set threads
    local name=$1 experiment=$2; shift 2
    local out=$root/$name threads=(--set threads=1)
    if [[ " $* " == *" threads="* ]]; then threads=(); fi
    if [[ -f $out/summary.json ]]; then return; fi
    if [[ -d $out ]]; then "${program[@]}" resume "$out"; else "${program[@]}" run "$experiment" --out "$out" "${threads[@]}" "$@"; fi
}

# The shared budget is the experiments' default (6 epochs, batch 128); CAT's nu defaults are calibrated at it.
run dense resnet20-dense
run cat-2x resnet20-cat
run cat-3x resnet20-cat-3x
run cat-units resnet20-cat-units
run cat-blocks resnet20-cat-blocks

# One-shot methods start from the dense run: one epoch of importance accumulation (or EMO's search
# after one epoch), then two of fine-tuning, all at a fine-tuning learning rate.
"${program[@]}" profile-latency ResNet20 --batch 128 --threads 2 --out latency/ResNet20-b128-t2.json
from_dense=(--set dense_run="$root/dense" --set epochs=3 --set lr=0.02 --set latency_threads=2 --set latency_table=latency/ResNet20-b128-t2.json)
# Two seeds per point (fine-tuning noise is about 0.1 point). MDP at 0.55 lands on HALP's r = 0.5
# latency; HALP at 0.62 and 0.66 approaches the floor of pruning without removing blocks.
for seed in 0 1; do
    for r in 0.3 0.5 0.55 0.7; do
        run mdp-r$r-s$seed resnet20-mdp "${from_dense[@]}" --set seed=$seed --set latency_reduction=$r
    done
    for r in 0.3 0.5 0.66; do
        run halp-r$r-s$seed resnet20-halp "${from_dense[@]}" --set seed=$seed --set latency_reduction=$r
    done
    for r in 0.3 0.5; do
        run uniform-latency-r$r-s$seed resnet20-uniform-latency "${from_dense[@]}" --set seed=$seed --set latency_reduction=$r
    done
done
run mdp-channels-r0.5 resnet20-mdp-channels "${from_dense[@]}" --set latency_reduction=0.5

emo=(--set dense_run="$root/dense" --set epochs=3 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512)
run emo-r0.5 resnet20-emo "${emo[@]}" --set macs_reduction=0.5
run emo-whole-r0.5 resnet20-emo-whole "${emo[@]}" --set macs_reduction=0.5
run emo-noconstraint-r0.5 resnet20-emo-noconstraint "${emo[@]}" --set macs_reduction=0.5
for r in 0.3 0.7; do run emo-r$r resnet20-emo "${emo[@]}" --set macs_reduction=$r; done
# The ResNet-20 hypervolume pairs: one epoch after the common dense start, two draws.
for seed in 0 1; do
    pair=(--set dense_run="$root/dense" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set macs_reduction=0.5 --set seed=$seed)
    run emo-1ep-s$seed resnet20-emo "${pair[@]}"
    run emo-dense-tail-1ep-s$seed resnet20-emo "${pair[@]}" --set sub_network_scoring=dense_tail
    run emo-whole-1ep-s$seed resnet20-emo-whole "${pair[@]}"
done
# ResNet-56 (1008 bits): one pair one epoch after its own dense start, divide and conquer with detectors and with the dense tail.
run resnet56-dense resnet56-dense
r56=(--set dense_run="$root/resnet56-dense" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set macs_reduction=0.5)
run resnet56-emo-1ep-s0 resnet56-emo "${r56[@]}" --set seed=0
run resnet56-emo-dense-tail-1ep-s0 resnet56-emo "${r56[@]}" --set seed=0 --set sub_network_scoring=dense_tail
run resnet56-emo-whole-1ep-s0 resnet56-emo-whole "${r56[@]}" --set seed=0
# Seeds 1 and 2 with the dense tail (seed 1 also with detectors); seed 1 also with a hypervolume point every generation.
run resnet56-emo-1ep-s1 resnet56-emo "${r56[@]}" --set seed=1
for seed in 1 2; do
    run resnet56-emo-dense-tail-1ep-s$seed resnet56-emo "${r56[@]}" --set seed=$seed --set sub_network_scoring=dense_tail
    run resnet56-emo-whole-1ep-s$seed resnet56-emo-whole "${r56[@]}" --set seed=$seed
done
run resnet56-emo-dense-tail-1ep-s1-hv1 resnet56-emo "${r56[@]}" --set seed=1 --set hv_every=1 --set sub_network_scoring=dense_tail
run resnet56-emo-whole-1ep-s1-hv1 resnet56-emo-whole "${r56[@]}" --set seed=1 --set hv_every=1
# The VGG-style network, trained from scratch under the shared budget (search after a third of it).
vgg=(--set calibration_images=1024 --set holdout_images=512)
run vgg-emo vgg-emo "${vgg[@]}"
run vgg-emo-whole vgg-emo-whole "${vgg[@]}"
# The hypervolume pairs: both searches one epoch after a common dense start (five draws of the
# calibration and held-out images), divide and conquer also with search_pruned_inputs and with
# sub_network_scoring=dense_tail.
run vgg-dense vgg-dense
for seed in 0 1 2 3 4; do
    pair=(--set dense_run="$root/vgg-dense" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set seed=$seed)
    run vgg-emo-1ep-s$seed vgg-emo "${pair[@]}"
    run vgg-emo-pruned-inputs-1ep-s$seed vgg-emo "${pair[@]}" --set search_pruned_inputs=true
    run vgg-emo-dense-tail-1ep-s$seed vgg-emo "${pair[@]}" --set sub_network_scoring=dense_tail
    run vgg-emo-whole-1ep-s$seed vgg-emo-whole "${pair[@]}"
done
# Both searches with search_batch_norm (the dense tail's repair covers the tail), one draw.
pair=(--set dense_run="$root/vgg-dense" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set seed=1 --set search_batch_norm=true)
run vgg-emo-dense-tail-bn-1ep-s1 vgg-emo "${pair[@]}" --set sub_network_scoring=dense_tail
run vgg-emo-whole-bn-1ep-s1 vgg-emo-whole "${pair[@]}"
# Seeds 1 and 3 with a hypervolume point every generation (the dense tail against the whole network).
for seed in 1 3; do
    pair=(--set dense_run="$root/vgg-dense" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set seed=$seed --set hv_every=1)
    run vgg-emo-dense-tail-1ep-s$seed-hv1 vgg-emo "${pair[@]}" --set sub_network_scoring=dense_tail
    run vgg-emo-whole-1ep-s$seed-hv1 vgg-emo-whole "${pair[@]}"
done
# Seeds 1 and 3 with twice the evaluations (40 generations per sub-network search, 122 for the whole network).
for seed in 1 3; do
    pair=(--set dense_run="$root/vgg-dense" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set seed=$seed --set generations=40)
    run vgg-emo-dense-tail-1ep-s$seed-g40 vgg-emo "${pair[@]}" --set sub_network_scoring=dense_tail
    run vgg-emo-whole-1ep-s$seed-g40 vgg-emo-whole "${pair[@]}"
done
# A second dense start (the same experiment trained on every core) and the dense-tail pairs from it.
run vgg-dense-t0 vgg-dense --set threads=0
for seed in 0 1 2 3 4; do
    pair=(--set dense_run="$root/vgg-dense-t0" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set seed=$seed)
    run vgg-t0-emo-dense-tail-1ep-s$seed vgg-emo "${pair[@]}" --set sub_network_scoring=dense_tail
    run vgg-t0-emo-whole-1ep-s$seed vgg-emo-whole "${pair[@]}"
done
# Seeds 0, 1 and 3 with every hypervolume candidate constraint-trained (20 steps per part) instead of
# BatchNorm re-estimated (ct20), and with both: statistics re-estimated, then constraint-trained (bnct20).
for repair in ct20:constraint_training bnct20:batch_norm_then_constraint_training; do
    for seed in 0 1 3; do
        pair=(--set dense_run="$root/vgg-dense" --set epochs=1 --set lr=0.02 --set calibration_images=1024 --set holdout_images=512 --set seed=$seed --set hv_repair=${repair#*:} --set constraint_steps=20)
        run vgg-emo-dense-tail-${repair%%:*}-1ep-s$seed vgg-emo "${pair[@]}" --set sub_network_scoring=dense_tail
        run vgg-emo-whole-${repair%%:*}-1ep-s$seed vgg-emo-whole "${pair[@]}"
    done
done

mapfile -t finished < <(find "$root" -mindepth 2 -maxdepth 2 -name summary.json -printf '%h\n' | sort)
"${program[@]}" measure-latency "${finished[@]}" --batch 128 --batch 1 --threads 2 --threads 1 --repeats 20 --rounds 3 \
    --latency-table latency/ResNet20-b128-t2.json
"${program[@]}" report "${finished[@]}" --out "$root/report"
