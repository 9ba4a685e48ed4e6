#!/usr/bin/env bash
# Renders the enclosure with OpenSCAD: one STL per printed part, and a PNG preview of the assembly.
# Usage: enclosure/render.sh [out-dir]     (default: artifacts/enclosure)
# Extra OpenSCAD settings pass through OPENSCAD_ARGS, e.g. OPENSCAD_ARGS='-D plate_w=180'.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../artifacts/enclosure}"
scad="$here/cluster.scad"
openscad="${OPENSCAD:-openscad}"
read -r -a extra <<< "${OPENSCAD_ARGS:-}"
mkdir -p "$out"

# --hardwarnings: a missing font or a bad parameter fails the render instead of printing a line.
# The bezel takes the longest (CGAL booleans); the small parts render beside it.
pids=()
for part in bezel dial_plate back bracket; do
  "$openscad" -q --hardwarnings "${extra[@]}" -D "part=\"$part\"" -o "$out/$part.stl" "$scad" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

# PNG export needs OpenGL, so an X server: the session's if there is one, else a virtual one.
png=("$openscad" -q "${extra[@]}" --imgsize 1600,1000 --camera 0,0,0,30,0,10,0 --viewall --autocenter
  --colorscheme Tomorrow -o "$out/preview.png" "$scad")
if [ -n "${DISPLAY:-}" ]; then
  "${png[@]}"
else
  # xvfb-run -a picks a free display; a second try covers a race with another Xvfb starting.
  xvfb-run -a -s "-screen 0 1600x1000x24" "${png[@]}" || { sleep 1; xvfb-run -a -s "-screen 0 1600x1000x24" "${png[@]}"; }
fi
ls -l "$out"
