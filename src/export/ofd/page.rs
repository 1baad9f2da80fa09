//! OFD export, one page: Typst's frame tree walked with its transforms into one `Content.xml` —
//! each text run a `TextObject` (one `TextCode` of plain characters with its `DeltaX`, and a
//! `CGTransform` for each cluster whose glyphs are not the font's own for its characters), each
//! shape a `PathObject`. Units are millimetres (1 pt = 25.4/72 mm); y grows downward in both.

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::text::TextItem;
use typst::visualize::{
    Color, CurveItem, FillRule, FixedStroke, Geometry, LineCap, LineJoin, Paint, Shape,
};

use super::font::Fonts;
use super::xml::{Xml, mm, num};

/// An affine transform in points: x' = a·x + c·y + e, y' = b·x + d·y + f (OFD's CTM order).
#[derive(Clone, Copy, PartialEq)]
pub(super) struct Affine([f64; 6]);

impl Affine {
    pub const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn of(t: &Transform) -> Self {
        Affine([
            t.sx.get(),
            t.ky.get(),
            t.kx.get(),
            t.sy.get(),
            t.tx.to_pt(),
            t.ty.to_pt(),
        ])
    }

    /// `self` after `inner` (inner applied first).
    fn then_inner(self, inner: Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = inner.0;
        Affine([
            a * a2 + c * b2,
            b * a2 + d * b2,
            a * c2 + c * d2,
            b * c2 + d * d2,
            a * e2 + c * f2 + e,
            b * e2 + d * f2 + f,
        ])
    }

    fn translated(self, p: Point) -> Affine {
        self.then_inner(Affine([1.0, 0.0, 0.0, 1.0, p.x.to_pt(), p.y.to_pt()]))
    }

    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn is_translation(self) -> bool {
        let [a, b, c, d, ..] = self.0;
        a == 1.0 && b == 0.0 && c == 0.0 && d == 1.0
    }
}

/// Writes one page's objects; ids come from the document's counter.
pub(super) struct PageWriter<'a> {
    pub xml: Xml,
    pub fonts: &'a mut Fonts,
    pub next_id: &'a mut u32,
    /// Images met (not written: zyz's documents have none; see docs/ofd.md).
    pub images: usize,
}

impl PageWriter<'_> {
    fn id(&mut self) -> u32 {
        *self.next_id += 1;
        *self.next_id
    }

    /// Every item of `frame`, placed by `ts`.
    pub fn frame(&mut self, frame: &Frame, ts: Affine) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(group) => {
                    let inner = ts.translated(*pos).then_inner(Affine::of(&group.transform));
                    self.frame(&group.frame, inner);
                }
                FrameItem::Text(text) => self.text(text, ts.translated(*pos)),
                FrameItem::Shape(shape, _) => self.shape(shape, ts.translated(*pos)),
                FrameItem::Image(..) => self.images += 1,
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
    }

    /// One text run: a TextObject whose Boundary is the run's box on the page.
    fn text(&mut self, item: &TextItem, ts: Affine) {
        let size = item.size.to_pt();
        let slot = self.fonts.slot(&item.font, || {
            *self.next_id += 1;
            *self.next_id
        });
        let run = self.run(item, slot);
        if run.chars.is_empty() {
            return;
        }
        let metrics = item.font.metrics();
        let (top, bottom) = (
            -metrics.ascender.at(item.size).to_pt(),
            -metrics.descender.at(item.size).to_pt(),
        );
        let width = item.width().to_pt().max(size * 0.1);
        let corners = [(0.0, top), (width, top), (0.0, bottom), (width, bottom)];
        let (bx, by, bw, bh) = bounds(corners.iter().map(|&(x, y)| ts.apply(x, y)));
        let id = self.id();
        let font_id = self.fonts.get(slot).id;
        let mut attrs = vec![
            ("ID", id.to_string()),
            ("Boundary", boundary(bx, by, bw, bh)),
            ("Font", font_id.to_string()),
            ("Size", mm(size)),
        ];
        // the run's origin relative to the Boundary, through the CTM when there is more than a shift
        let [a, b, c, d, e, f] = ts.0;
        let (ox, oy) = if ts.is_translation() {
            (e - bx, f - by)
        } else {
            let ctm = [a, b, c, d].map(num).join(" ");
            attrs.push(("CTM", format!("{ctm} {} {}", mm(e - bx), mm(f - by))));
            (0.0, 0.0)
        };
        self.xml.open("ofd:TextObject", &attrs);
        color(&mut self.xml, "ofd:FillColor", &item.fill);
        for cg in &run.transforms {
            self.xml.open(
                "ofd:CGTransform",
                &[
                    ("CodePosition", cg.position.to_string()),
                    ("CodeCount", cg.chars.to_string()),
                    ("GlyphCount", cg.glyphs.len().to_string()),
                ],
            );
            let glyphs: Vec<String> = cg.glyphs.iter().map(u16::to_string).collect();
            self.xml.leaf("ofd:Glyphs", &[], &glyphs.join(" "));
            self.xml.close("ofd:CGTransform");
        }
        let x0 = run.x.first().copied().unwrap_or(0.0);
        let mut code = vec![("X", mm(ox + x0)), ("Y", mm(oy))];
        if run.x.len() > 1 {
            code.push(("DeltaX", delta_x(&run.x)));
        }
        self.xml.leaf("ofd:TextCode", &code, &run.chars);
        self.xml.close("ofd:TextObject");
    }

    /// The run's characters, each one's x (points, from the run's origin), and the clusters
    /// that need a CGTransform; keeps every glyph and character in the font's subset.
    fn run(&mut self, item: &TextItem, slot: usize) -> Run {
        let mut run = Run::default();
        let mut pen = 0.0;
        let mut i = 0;
        let glyphs = &item.glyphs;
        while i < glyphs.len() {
            let range = glyphs[i].range();
            let mut j = i + 1;
            while j < glyphs.len() && glyphs[j].range() == range {
                j += 1;
            }
            let x = pen + glyphs[i].x_offset.at(item.size).to_pt();
            let text: Vec<char> = item.text[range]
                .chars()
                .filter(|c| !c.is_control())
                .collect();
            let own: Vec<Option<u16>> = text.iter().map(|&c| self.fonts.char(slot, c)).collect();
            let ids: Vec<u16> = glyphs[i..j].iter().map(|g| g.id).collect();
            let new: Vec<u16> = ids.iter().map(|&g| self.fonts.glyph(slot, g)).collect();
            let own_glyph = text.len() == 1 && ids.len() == 1 && own[0] == Some(ids[0]);
            if !text.is_empty() && !own_glyph {
                run.transforms.push(Cg {
                    position: run.x.len(),
                    chars: text.len(),
                    glyphs: new,
                });
            }
            for c in text {
                run.chars.push(c);
                run.x.push(x);
            }
            pen += glyphs[i..j]
                .iter()
                .map(|g| g.x_advance.at(item.size).to_pt())
                .sum::<f64>();
            i = j;
        }
        run
    }

    /// A shape as a PathObject in page coordinates (its Boundary the path's box, widened by
    /// half the stroke).
    fn shape(&mut self, shape: &Shape, ts: Affine) {
        let path = outline(&shape.geometry);
        let stroke = shape.stroke.as_ref();
        let scale = (ts.0[0] * ts.0[3] - ts.0[1] * ts.0[2]).abs().sqrt();
        let width = stroke.map_or(0.0, |s| s.thickness.to_pt() * scale);
        let points: Vec<(f64, f64)> = path
            .iter()
            .flat_map(|seg| seg.points())
            .map(|(x, y)| ts.apply(x, y))
            .collect();
        if points.is_empty() || (shape.fill.is_none() && stroke.is_none()) {
            return;
        }
        let (x, y, w, h) = bounds(points.iter().copied());
        let pad = width / 2.0;
        let (bx, by) = (x - pad, y - pad);
        let id = self.id();
        let mut attrs = vec![
            ("ID", id.to_string()),
            ("Boundary", boundary(bx, by, w + width, h + width)),
        ];
        if let Some(s) = stroke {
            stroke_attrs(&mut attrs, s, width, scale);
        } else {
            attrs.push(("Stroke", "false".into()));
        }
        if shape.fill.is_some() {
            attrs.push(("Fill", "true".into()));
            if shape.fill_rule == FillRule::EvenOdd {
                attrs.push(("Rule", "Even-Odd".into()));
            }
        }
        self.xml.open("ofd:PathObject", &attrs);
        if let Some(s) = stroke {
            color(&mut self.xml, "ofd:StrokeColor", &s.paint);
        }
        if let Some(fill) = &shape.fill {
            color(&mut self.xml, "ofd:FillColor", fill);
        }
        let data = abbreviated(&path, |px, py| {
            let (x, y) = ts.apply(px, py);
            (x - bx, y - by)
        });
        self.xml.leaf("ofd:AbbreviatedData", &[], &data);
        self.xml.close("ofd:PathObject");
    }
}

/// A text run as OFD writes it.
#[derive(Default)]
struct Run {
    chars: String,
    /// Each character's x from the run's origin, in points.
    x: Vec<f64>,
    transforms: Vec<Cg>,
}

/// A cluster whose glyphs are named explicitly: characters `position..position + chars` of
/// the TextCode are drawn with `glyphs` (ids in the embedded subset).
struct Cg {
    position: usize,
    chars: usize,
    glyphs: Vec<u16>,
}

/// One segment of a path, in the shape's own points.
enum Seg {
    Move(f64, f64),
    Line(f64, f64),
    Cubic([(f64, f64); 3]),
    Close,
}

impl Seg {
    fn points(&self) -> Vec<(f64, f64)> {
        match self {
            Seg::Move(x, y) | Seg::Line(x, y) => vec![(*x, *y)],
            Seg::Cubic(p) => p.to_vec(),
            Seg::Close => Vec::new(),
        }
    }
}

/// The geometry as segments.
fn outline(geometry: &Geometry) -> Vec<Seg> {
    let pt = |p: &Point| (p.x.to_pt(), p.y.to_pt());
    match geometry {
        Geometry::Line(p) => vec![Seg::Move(0.0, 0.0), Seg::Line(p.x.to_pt(), p.y.to_pt())],
        Geometry::Rect(size) => {
            let (w, h) = (size.x.to_pt(), size.y.to_pt());
            vec![
                Seg::Move(0.0, 0.0),
                Seg::Line(w, 0.0),
                Seg::Line(w, h),
                Seg::Line(0.0, h),
                Seg::Close,
            ]
        }
        Geometry::Curve(curve) => curve
            .0
            .iter()
            .map(|item| match item {
                CurveItem::Move(p) => Seg::Move(pt(p).0, pt(p).1),
                CurveItem::Line(p) => Seg::Line(pt(p).0, pt(p).1),
                CurveItem::Cubic(a, b, c) => Seg::Cubic([pt(a), pt(b), pt(c)]),
                CurveItem::Close => Seg::Close,
            })
            .collect(),
    }
}

/// OFD's abbreviated path data (`M x y L x y B x1 y1 x2 y2 x3 y3 C`), in millimetres.
fn abbreviated(path: &[Seg], place: impl Fn(f64, f64) -> (f64, f64)) -> String {
    let p = |x: f64, y: f64| {
        let (x, y) = place(x, y);
        format!("{} {}", mm(x), mm(y))
    };
    let parts: Vec<String> = path
        .iter()
        .map(|seg| match seg {
            Seg::Move(x, y) => format!("M {}", p(*x, *y)),
            Seg::Line(x, y) => format!("L {}", p(*x, *y)),
            Seg::Cubic([a, b, c]) => format!("B {} {} {}", p(a.0, a.1), p(b.0, b.1), p(c.0, c.1)),
            Seg::Close => "C".to_owned(),
        })
        .collect();
    parts.join(" ")
}

/// Line width, cap, join, miter limit and dashes of a stroke.
fn stroke_attrs(attrs: &mut Vec<(&'static str, String)>, s: &FixedStroke, width: f64, scale: f64) {
    attrs.push(("LineWidth", mm(width)));
    match s.cap {
        LineCap::Butt => {}
        LineCap::Round => attrs.push(("Cap", "Round".into())),
        LineCap::Square => attrs.push(("Cap", "Square".into())),
    }
    match s.join {
        LineJoin::Miter => attrs.push(("MiterLimit", num(s.miter_limit.get()))),
        LineJoin::Round => attrs.push(("Join", "Round".into())),
        LineJoin::Bevel => attrs.push(("Join", "Bevel".into())),
    }
    if let Some(dash) = &s.dash
        && !dash.array.is_empty()
    {
        let array: Vec<String> = dash.array.iter().map(|d| mm(d.to_pt() * scale)).collect();
        attrs.push(("DashOffset", mm(dash.phase.to_pt() * scale)));
        attrs.push(("DashPattern", array.join(" ")));
    }
}

/// A colour element (`FillColor`, `StrokeColor`) in the document's RGB colour space; paints
/// other than solid colours (gradients, tilings: zyz draws none) are written as black.
fn color(xml: &mut Xml, name: &str, paint: &Paint) {
    let rgb = match paint {
        Paint::Solid(c) => rgb(c.clone()),
        _ => [0, 0, 0],
    };
    let value = format!("{} {} {}", rgb[0], rgb[1], rgb[2]);
    xml.leaf_empty(name, &[("Value", value)]);
}

fn rgb(color: Color) -> [u8; 3] {
    let c = color.to_rgb();
    [c.red, c.green, c.blue].map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
}

/// The box around points (points → x, y, width, height).
fn bounds(points: impl Iterator<Item = (f64, f64)>) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return (0.0, 0.0, 0.0, 0.0);
    }
    (x0, y0, x1 - x0, y1 - y0)
}

/// A Boundary attribute in millimetres, never of zero size (a hairline's box keeps a width).
fn boundary(x: f64, y: f64, w: f64, h: f64) -> String {
    format!(
        "{} {} {} {}",
        mm(x),
        mm(y),
        mm(w.max(0.01)),
        mm(h.max(0.01))
    )
}

/// DeltaX: the steps between consecutive characters, runs of equal steps as `g N step`.
fn delta_x(x: &[f64]) -> String {
    let steps: Vec<String> = x.windows(2).map(|w| mm(w[1] - w[0])).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let mut j = i + 1;
        while j < steps.len() && steps[j] == steps[i] {
            j += 1;
        }
        if j - i > 1 {
            out.push(format!("g {} {}", j - i, steps[i]));
        } else {
            out.push(steps[i].clone());
        }
        i = j;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_x_groups_equal_steps() {
        let pt = 72.0 / 25.4; // one millimetre
        let x = [0.0, 5.0 * pt, 10.0 * pt, 15.0 * pt, 16.0 * pt];
        assert_eq!(delta_x(&x), "g 3 5 1");
    }

    #[test]
    fn affine_composes_inner_first() {
        let outer = Affine([1.0, 0.0, 0.0, 1.0, 10.0, 20.0]);
        let rotate = Affine([0.0, 1.0, -1.0, 0.0, 0.0, 0.0]);
        assert_eq!(outer.then_inner(rotate).apply(1.0, 0.0), (10.0, 21.0));
    }
}
