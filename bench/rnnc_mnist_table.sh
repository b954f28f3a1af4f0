#!/usr/bin/env bash
# Issue 6's learning-fidelity table for rnnc: the seed RNN and its LSTM and GRU twins on real MNIST,
# batch 64, Adam 1e-3, shuffled each epoch, test accuracy on all 10,000 test images after each epoch,
# for seeds 0, 1, 2: (a) 60,000 training images, 2 epochs; (b) the first 10,000, 3 epochs.
# Usage: bench/rnnc_mnist_table.sh [OUT_DIR]   (prints the table; logs go to OUT_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-rnnc-out/mnist-table}
mkdir -p "$out"
models=(rnn lstm gru)
seeds=(0 1 2)

run() { # model seed limit epochs -> log file
    local model=$1 seed=$2 limit=$3 epochs=$4
    local log="$out/${model}-s${seed}-n${limit}.log"
    if [ ! -s "$log" ] || ! grep -q '^test accuracy' "$log"; then
        ./rnnc train "samples/mnist/mnist_${model}.rnn" --data samples/mnist/data --epochs "$epochs" \
            --seed "$seed" --train-limit "$limit" --threads 1 --progress none \
            --checkpoint "$out/${model}-s${seed}-n${limit}.safetensors" \
            --chart "$out/${model}-s${seed}-n${limit}.png" > "$log" 2>&1
    fi
    echo "$log"
}

# "epoch 2/3: ... test accuracy 91.4%, 172.3 s (..." -> accuracy and seconds of epoch N
acc() { sed -n "s/^epoch $2\/[0-9]*:.*test accuracy \([0-9.]*\)%.*/\1/p" "$1"; }
secs() { sed -n "s/^epoch $2\/[0-9]*:.*%, \([0-9.]*\) s .*/\1/p" "$1"; }
stats() { # values... -> "mean [min, max]"
    printf '%s\n' "$@" | awk '{s+=$1; if(NR==1||$1<mn)mn=$1; if(NR==1||$1>mx)mx=$1} END {printf "%.1f [%.1f, %.1f]", s/NR, mn, mx}'
}

printf '| model | 60,000 train, epoch 1 | epoch 2 | s/epoch | first 10,000 train, epoch 1 | epoch 2 | epoch 3 |\n'
printf '|---|---|---|---|---|---|---|\n'
for m in "${models[@]}"; do
    full=(); part=()
    for s in "${seeds[@]}"; do full+=("$(run "$m" "$s" 60000 2)"); part+=("$(run "$m" "$s" 10000 3)"); done
    e1=(); e2=(); t=(); p1=(); p2=(); p3=()
    for f in "${full[@]}"; do e1+=("$(acc "$f" 1)"); e2+=("$(acc "$f" 2)"); t+=("$(secs "$f" 1)" "$(secs "$f" 2)"); done
    for f in "${part[@]}"; do p1+=("$(acc "$f" 1)"); p2+=("$(acc "$f" 2)"); p3+=("$(acc "$f" 3)"); done
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$m" "$(stats "${e1[@]}")" "$(stats "${e2[@]}")" \
        "$(printf '%s\n' "${t[@]}" | awk '{s+=$1} END {printf "%.0f", s/NR}')" \
        "$(stats "${p1[@]}")" "$(stats "${p2[@]}")" "$(stats "${p3[@]}")"
done
