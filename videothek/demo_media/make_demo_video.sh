#!/bin/sh
# Makes einfuehrung.webm, the seeded demo video of the Videothek (videothek/demo_videos.py): 30 s, VP8 + Vorbis,
# 480x270, three 10-second parts (one per chapter) in the platform's colours with a quiet tone. Needs ffmpeg
# (Debian: apt-get install ffmpeg). Chromium plays the result.
set -eu
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=0x1f6a3d:s=480x270:d=10:r=24" \
  -f lavfi -i "color=c=0x174a7c:s=480x270:d=10:r=24" \
  -f lavfi -i "color=c=0x7a4b00:s=480x270:d=10:r=24" \
  -f lavfi -i "sine=frequency=330:duration=30:sample_rate=22050" \
  -filter_complex "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v];[3:a]volume=0.05[a]" \
  -map "[v]" -map "[a]" -c:v libvpx -b:v 120k -deadline good -c:a libvorbis -q:a 0 \
  einfuehrung.webm
