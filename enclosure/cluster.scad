// claude-gauge cluster enclosure V1: a bezel for four Switec X27.168 gauges and five lamps,
// the plate that carries the motors and LEDs, a back cover, and a bracket that clips onto the
// bottom edge of a monitor. All sizes in mm. Render one part with -D 'part="bezel"'
// (see render.sh); "assembly" is the preview with the faces, screws and acrylic in place.
//
// Coordinates: x to the right, y up, z towards the viewer. The bezel's back face is z = 0.

/* [What to render] */
part = "assembly"; // ["assembly", "bezel", "dial_plate", "back", "bracket"]

/* [Overall] */
plate_w = 200;        // bezel width (the seed design: about 200 x 95)
plate_h = 95;         // bezel height
plate_t = 3;          // front plate thickness
corner_r = 6;         // outside corner radius
wall_t = 2.4;         // side wall thickness (6 perimeters of a 0.4 mm nozzle)
depth = 26;           // wall depth behind the plate: motor (about 9 mm) + pins + driver board

/* [Gauges] */
gauge_count = 4;
gauge_pitch = 47;     // centre to centre; four of them plus the rings fill the 200 mm width
gauge_y = 66;         // gauge centres, from the bottom edge
dial_d = 42;          // printed face, cut diameter: `claude-gauge faces` prints this size
aperture_d = 39;      // window in the plate: covers 1.5 mm of the face's cut edge
face_t = 1.0;         // face on card: recess depth behind the aperture
face_clear = 0.6;     // diameter play around the face in its recess
ring_od = 46;         // raised ring around each aperture
ring_h = 2.5;         // ring height above the plate

/* [Hex screws: four per gauge, M2 hex head (ISO 4017: 4 mm across flats)] */
screw_r = 26;         // radius of the screw circle: the pockets clear the ring by 0.5 mm
screw_angles = [45, 135, 225, 315];
hex_af = 4;           // head across flats
hex_pocket = 1.0;     // head sinks this far into the plate; the rest stands proud
hex_head_h = 1.4;     // head height (preview only)
screw_d = 2.2;        // clearance hole through the bezel
pilot_d = 1.7;        // self-tapping pilot hole in the dial plate

/* [Motor: Switec X27.168] */
shaft_clear_d = 3.5;  // hole in the dial plate for the shaft and its bearing boss
motor_w = 30;         // body outline (preview only): about 30 mm across
motor_h = 24;
motor_t = 9;          // body thickness (about 9 mm)
motor_shaft_dx = 0;   // shaft offset from the body's centre, if you want the preview exact

/* [Annunciator: five lamps behind smoked acrylic] */
lamps = ["MODEL", "HOT", "WARN", "STALL", "IDLE"];
lamp_pitch = 22;
lamp_y = 28;          // window centre, from the bottom edge
window_h = 12;        // window opening height; width = lamps x pitch - 4
acrylic_t = 2;        // smoked acrylic sheet thickness (its pocket's depth)
acrylic_lip = 3;      // acrylic overlaps the window by this much on every side
led_d = 5.2;          // 5 mm LEDs, pushed through the dial plate
label_size = 3.6;     // engraved lamp names under the window
label_depth = 0.6;
label_y = 15;
label_font = "Liberation Sans:style=Bold";

/* [Dial plate: carries the motors and LEDs, held by the gauge screws] */
dial_plate_t = 2;

/* [Back cover: M3 screws into corner bosses] */
back_t = 2.5;
boss_d = 7;
boss_hole_d = 2.6;    // M3 self-tapping
boss_inset = 7;       // boss centres from the outside edges
back_screw_d = 3.4;
cable_w = 12;         // USB cable notch at the bottom of the back cover
cable_h = 7;

/* [Monitor bracket] */
monitor_edge = 14;    // thickness of the monitor's bottom edge, front to back (measure yours)
clip_depth = 12;      // how far the clip's lips reach up the monitor's edge
front_lip = 4;        // the visible front lip (shorter, so it does not cover the screen)
bracket_w = 40;
bracket_t = 3;
arm_holes = 24;       // spacing of its two M3 holes (the back cover has the same)
arm_hole_y = 74;      // height of those holes on the back cover, from the bottom edge
monitor_front_z = plate_t; // where the monitor's front sits (the bezel's face is at plate_t)

$fa = 4;
$fs = 0.4;

// ---------------------------------------------------------------- helpers

function gauge_x(i) = plate_w / 2 + (i - (gauge_count - 1) / 2) * gauge_pitch;
function lamp_x(i) = plate_w / 2 + (i - (len(lamps) - 1) / 2) * lamp_pitch;
window_w = len(lamps) * lamp_pitch - 4;

module rounded_rect(w, h, r) {
  translate([r, r]) offset(r = r) square([w - 2 * r, h - 2 * r]);
}

module hexagon(af) {
  circle(d = af / cos(30), $fn = 6);
}

module each_gauge() {
  for (i = [0 : gauge_count - 1]) translate([gauge_x(i), gauge_y]) children();
}

module each_screw() {
  each_gauge() for (a = screw_angles) rotate(a) translate([screw_r, 0]) children();
}

module boss_positions() {
  for (x = [boss_inset, plate_w - boss_inset], y = [boss_inset, plate_h - boss_inset]) translate([x, y]) children();
}

// ---------------------------------------------------------------- bezel

module ring() {
  // A chamfered ring, steeper inside like a car gauge's bezel.
  rotate_extrude($fn = 120)
    // Its inner edge steps 0.3 mm back from the aperture: coincident edges would not be manifold.
    polygon([[aperture_d / 2 + 0.3, 0], [ring_od / 2, 0], [ring_od / 2 - ring_h * 0.8, ring_h], [aperture_d / 2 + 0.9, ring_h]]);
}

// Everything that goes right through the front plate, in 2D: cut once, before any 3D boolean
// (CGAL's 3D booleans are what make a render slow).
module plate_2d() {
  difference() {
    rounded_rect(plate_w, plate_h, corner_r);
    each_gauge() circle(d = aperture_d, $fn = 120);
    each_screw() circle(d = screw_d);
    translate([plate_w / 2, lamp_y]) square([window_w, window_h], center = true);
  }
}

module bezel() {
  difference() {
    union() {
      linear_extrude(plate_t, convexity = 8) plate_2d();
      // Side walls and the bosses for the back cover.
      translate([0, 0, -depth]) linear_extrude(depth, convexity = 8) difference() {
        union() {
          difference() {
            rounded_rect(plate_w, plate_h, corner_r);
            offset(delta = -wall_t) rounded_rect(plate_w, plate_h, corner_r);
          }
          boss_positions() circle(d = boss_d);
        }
        boss_positions() circle(d = boss_hole_d);
      }
      each_gauge() translate([0, 0, plate_t]) ring();
    }
    // From behind: the recess for each printed face, and the pocket for the smoked acrylic.
    translate([0, 0, -1]) linear_extrude(1 + face_t, convexity = 8) each_gauge() circle(d = dial_d + face_clear, $fn = 120);
    translate([0, 0, -1]) linear_extrude(1 + acrylic_t, convexity = 8)
      translate([plate_w / 2, lamp_y]) square([window_w + 2 * acrylic_lip, window_h + 2 * acrylic_lip], center = true);
    // From the front: hex screw pockets and the lamp names.
    translate([0, 0, plate_t - hex_pocket]) linear_extrude(hex_pocket + 1, convexity = 8) each_screw() hexagon(hex_af + 0.3);
    translate([0, 0, plate_t - label_depth]) linear_extrude(label_depth + 1, convexity = 8)
      for (i = [0 : len(lamps) - 1]) translate([lamp_x(i), label_y]) text(lamps[i], size = label_size, font = label_font, halign = "center", valign = "center");
  }
}

// ---------------------------------------------------------------- dial plate

module dial_plate_outline() {
  difference() {
    offset(delta = -wall_t - 0.4) rounded_rect(plate_w, plate_h, corner_r);
    boss_positions() circle(d = boss_d + 1);
  }
}

module dial_plate() {
  translate([0, 0, -dial_plate_t]) linear_extrude(dial_plate_t, convexity = 8) difference() {
    dial_plate_outline();
    each_gauge() circle(d = shaft_clear_d);
    each_screw() circle(d = pilot_d);
    for (i = [0 : len(lamps) - 1]) translate([lamp_x(i), lamp_y]) circle(d = led_d);
  }
}

// ---------------------------------------------------------------- back cover

module back() {
  translate([0, 0, -depth - back_t]) linear_extrude(back_t, convexity = 8) difference() {
    rounded_rect(plate_w, plate_h, corner_r);
    boss_positions() circle(d = back_screw_d);
    for (dx = [-arm_holes / 2, arm_holes / 2]) translate([plate_w / 2 + dx, arm_hole_y]) circle(d = back_screw_d);
    translate([plate_w / 2 - cable_w / 2, -1]) square([cable_w, cable_h + 1]);
  }
}

// ---------------------------------------------------------------- monitor bracket

// A side profile extruded bracket_w wide, so it prints lying on its side with no supports.
// Profile coordinates: x = front (+) to back, y = up, as in the assembly. The arm lies on the
// back cover; the U above the bezel grips the monitor's bottom edge.
bracket_top = plate_h + 2;                     // the U's floor, 2 mm above the bezel
arm_z = -depth - back_t;                       // the back cover's outside face
monitor_back_z = monitor_front_z - monitor_edge;

module bracket_profile() {
  t = bracket_t;
  z0 = min(arm_z - t, monitor_back_z - t);
  z1 = monitor_front_z + t;
  // Arm, from below its screws up to the U's floor.
  translate([arm_z - t, arm_hole_y - 10]) square([t, bracket_top + t - (arm_hole_y - 10)]);
  // The U: floor, back lip, front lip.
  translate([z0, bracket_top]) square([z1 - z0, t]);
  translate([monitor_back_z - t, bracket_top]) square([t, t + clip_depth]);
  translate([monitor_front_z, bracket_top]) square([t, t + front_lip]);
}

module bracket() {
  difference() {
    linear_extrude(bracket_w, convexity = 8) bracket_profile();
    for (dx = [-arm_holes / 2, arm_holes / 2])
      translate([arm_z - bracket_t - 1, arm_hole_y, bracket_w / 2 + dx]) rotate([0, 90, 0]) cylinder(d = back_screw_d, h = bracket_t + 2);
  }
}

// ---------------------------------------------------------------- assembly preview

// A sketch of the printed scale for the picture (the real faces come from `claude-gauge faces`):
// 315 degrees, clockwise from the rest stop at the bottom left; red and blue zones as printed.
sweep = 315;
function dial_angle(f) = -sweep / 2 + f * sweep;        // degrees clockwise from 12 o'clock
preview_needles = [0.42, 0.55, 0.3, 0.78];               // where the picture's needles point
preview_zones = [[[0.8, 1, "#7c1a2b"]], [[0.8, 1, "#7c1a2b"]], [[0, 0.2, "#2d5f92"], [0.7, 1, "#7c1a2b"]], []];

module zone_arc(f0, f1, r0, r1) {
  steps = ceil((f1 - f0) * 60);
  pts = concat(
    [for (k = [0 : steps]) let(a = dial_angle(f0 + (f1 - f0) * k / steps)) [r1 * sin(a), r1 * cos(a)]],
    [for (k = [steps : -1 : 0]) let(a = dial_angle(f0 + (f1 - f0) * k / steps)) [r0 * sin(a), r0 * cos(a)]]);
  polygon(pts);
}

module face_sketch(i) {
  r = 18.2;
  color("#f5ecd5") cylinder(d = dial_d, h = face_t, $fn = 120);
  translate([0, 0, face_t]) {
    color("#231e19") linear_extrude(0.05) for (k = [0 : 20]) rotate(-dial_angle(k / 20))
      translate([k % 4 == 0 ? -0.25 : -0.1, r - (k % 4 == 0 ? 2.75 : 1.15)]) square([k % 4 == 0 ? 0.5 : 0.2, k % 4 == 0 ? 2.75 : 1.15]);
    for (z = preview_zones[i]) color(z[2]) linear_extrude(0.06) zone_arc(z[0], z[1], r - 1.2, r);
  }
}

module hardware() {
  // Faces, needles, hex screw heads, motors and the acrylic: for the picture, not for printing.
  for (i = [0 : gauge_count - 1]) translate([gauge_x(i), gauge_y]) {
    face_sketch(i);
    color("#d8400f") translate([0, 0, face_t + 1.5]) rotate(-dial_angle(preview_needles[i])) translate([-0.5, -3, 0]) cube([1, aperture_d / 2 - 1.5, 0.6]);
    color("#1b1b1c") translate([0, 0, face_t + 1.2]) cylinder(d = 6, h = 1.4);
    color("#3a2c22", 0.9) translate([0, 0, -dial_plate_t - motor_t]) translate([-motor_w / 2 + motor_shaft_dx, -motor_h / 2, 0]) cube([motor_w, motor_h, motor_t]);
  }
  color("#9aa0a6") each_screw() translate([0, 0, plate_t - hex_pocket]) linear_extrude(hex_head_h, convexity = 8) hexagon(hex_af);
  // Two lamps lit for the picture (MODEL amber for Sonnet, IDLE green), the rest dark behind the smoke.
  for (i = [0 : len(lamps) - 1]) translate([lamp_x(i), lamp_y, -0.8])
    color(i == 0 ? "#ffb02e" : i == len(lamps) - 1 ? "#5dff7a" : "#3b3b3b") cylinder(d = 5, h = 0.6);
  color("#1d1f22", 0.5) translate([plate_w / 2, lamp_y, acrylic_t / 2]) cube([window_w + 2 * acrylic_lip - 0.4, window_h + 2 * acrylic_lip - 0.4, acrylic_t], center = true);
}

module assembly() {
  color("#c3c7cc") bezel();
  color("#4a4d52") dial_plate();
  color("#4a4d52") back();
  hardware();
  // The bracket, from its printing position (extruded along z) into place (extruded along x).
  color("#151617") multmatrix([[0, 0, 1, plate_w / 2 - bracket_w / 2], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]]) bracket();
}

if (part == "bezel") bezel();
else if (part == "dial_plate") dial_plate();
else if (part == "back") back();
else if (part == "bracket") bracket();
else assembly();
