#!/usr/bin/env bash
# Makes the bundled voice clips. Run at development time; the WAV files are committed, so the app
# speaks offline and no user needs espeak-ng. A merchant replaces any clip by putting a WAV file
# of the same name in the app's voice folder (see the README).
# Needs: espeak-ng, sox.
set -euo pipefail
cd "$(dirname "$0")"
zh() { espeak-ng -v cmn-latn-pinyin -s 150 -w "tmp.wav" "$2"; trim "$1"; }
en() { espeak-ng -v en -s 150 -w "tmp.wav" "$2"; trim "$1"; }
# Mono 22.05 kHz, silence trimmed at both ends so composed speech flows.
trim() {
  sox tmp.wav -r 22050 -c 1 -b 16 "$1.wav" silence 1 0.01 1% reverse silence 1 0.01 1% reverse
  rm -f tmp.wav
}

zh new_order "您有新的订单"
zh table "号桌"
zh hurry "催单"
zh ordered "下单"
zh add_dishes "加菜"
zh lost "与服务器的连接已断开"
# A printer's trouble, after its role word: 「厨房」「打印机离线，请检查」.
zh printer_offline "打印机离线，请检查"
zh paper_out "打印机缺纸"
zh role_kitchen "厨房"
zh role_bar "吧台"
zh role_counter "前台"
i=0
for d in 零 一 二 三 四 五 六 七 八 九; do zh "digit_$i" "$d"; i=$((i + 1)); done
zh ten "十"
zh hundred "百"
for l in a b c d e f g h i j k l m n o p q r s t u v w x y z; do en "letter_$l" "${l^^}"; done

# The chime before an order (rising), and the alarm of a lost connection (low, falling): tones,
# so neither can be mistaken for the other or for speech.
sox -n -r 22050 -c 1 -b 16 a.wav synth 0.18 sine 988 fade q 0.005 0.18 0.12 vol 0.6
sox -n -r 22050 -c 1 -b 16 b.wav synth 0.42 sine 1319 fade q 0.005 0.42 0.35 vol 0.6
sox a.wav b.wav chime.wav
sox -n -r 22050 -c 1 -b 16 a.wav synth 0.3 square 392 fade q 0.01 0.3 0.05 vol 0.35
sox -n -r 22050 -c 1 -b 16 b.wav synth 0.3 square 311 fade q 0.01 0.3 0.05 vol 0.35
sox -n -r 22050 -c 1 -b 16 c.wav synth 0.5 square 233 fade q 0.01 0.5 0.2 vol 0.35
sox a.wav b.wav c.wav alarm.wav
rm -f a.wav b.wav c.wav
