#!/usr/bin/env bash
# PruneGen's developer entry point.
#   ./dev.sh setup   install the Debian packages PruneGen needs (only the missing ones)
#   ./dev.sh test    setup, build and run every test; ends with "tests: N passed, N failed, N skipped"
#   ./dev.sh demo    setup, then a real pruning experiment end to end (ResNet-20, L1, on a Fashion-MNIST subset); prints its report's path
#   ./dev.sh bench   setup (+ python3-torch), then the training-throughput benchmark beside PyTorch's
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

benchmarks=tests/PruneGen.Benchmarks
pytorch_side=$benchmarks/pytorch/train_throughput.py
throughput_args=(--steps 60 --batch 128 --threads 2)

# Runs the solution's tests with a TRX report per test project (Directory.Build.props gives each
# its own folder), then sums the reports, so the summary does not depend on console wording.
run_tests() {
    local results rc=0
    results=$(mktemp -d "${TMPDIR:-/tmp}/prunegen-tests.XXXXXX")
    dotnet test PruneGen.sln -c Release --logger trx -p:PruneGenTestResultsDir="$results" "$@" || rc=$?
    scripts/test-summary.sh "$results" || rc=1
    rm -rf "$results"
    return $rc
}

verb=${1:-help}
shift || true
case $verb in
setup)
    scripts/setup.sh
    ;;
test)
    scripts/setup.sh
    run_tests "$@"
    ;;
demo)
    scripts/setup.sh
    # A real experiment through the generated experiments program: train, checkpoint, evaluate,
    # measure latency, write summary.json and report.md. Sized for a few minutes on 2 cores.
    demo_run=runs/demo/$(date +%Y%m%d-%H%M%S)
    # Its settings are a config file of the project, type-checked by the build.
    dotnet run -c Release --project experiments/FashionMnist -- run resnet20-l1 --out "$demo_run" \
        --config experiments/FashionMnist/configs/demo-l1.yaml "$@"
    echo "demo: run folder $demo_run; report $demo_run/report.md (more: dotnet run -c Release --project experiments/FashionMnist -- list)"
    ;;
bench)
    scripts/setup.sh python3-torch
    if [[ ! -f $pytorch_side ]]; then
        echo "bench: $pytorch_side is missing" >&2
        exit 1
    fi
    if (($# > 0)); then
        throughput_args=("$@")
    fi
    echo "== PruneGen (libtorch through the C# binding)"
    dotnet run -c Release --project "$benchmarks" -- train-throughput "${throughput_args[@]}"
    echo "== PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') on the same libtorch"
    /usr/bin/python3 "$pytorch_side" "${throughput_args[@]}"
    ;;
help | -h | --help)
    sed -n '2,6s/^# \{0,1\}//p' "$0"
    ;;
*)
    echo "dev.sh: unknown verb '$verb'" >&2
    sed -n '2,6s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
