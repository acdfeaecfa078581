#include "ui/ComparisonExport.h"

#include <QFileInfo>
#include <QPainter>
#include <QSaveFile>
#include <QTextDocument>
#include <cmath>

#include "recon/core/Errors.h"
#include "ui/CertificateExplanationDialog.h"
#include "ui/ComparisonGrid.h"
#include "viewer/CertificateBadgeBar.h"
#include "viewer/WindowedImage.h"

namespace trustct::ui {

namespace {
QString plain(const QString& html) {
  QTextDocument d;
  d.setHtml(html);
  return d.toPlainText();
}
}  // namespace

QImage renderComparison(const ComparisonGrid& grid, const QString& caption, int scale) {
  const CertificateSuite suite = CertificateSuite::standard();
  const auto& panels = grid.panels();
  const auto& regions = grid.coordinator().regions();
  const int w = grid.coordinator().imageWidth() * scale, h = grid.coordinator().imageHeight() * scale;
  const int columns = std::max(1, std::min<int>(grid.columns(), int(panels.size())));
  const int rows = int(std::ceil(double(panels.size()) / columns));
  const int pad = 12, titleH = 26, insetH = regions.empty() ? 0 : w / int(std::max<size_t>(regions.size(), 2)) + 6;
  const int footerH = 52, captionH = 34;
  const int cellW = w + 2 * pad, cellH = titleH + h + insetH + footerH + pad;
  QImage out(columns * cellW, captionH + rows * cellH, QImage::Format_RGB32);
  out.fill(QColor(0x14, 0x17, 0x1C));
  QPainter p(&out);
  p.setRenderHint(QPainter::Antialiasing);
  QFont font("DejaVu Sans");
  font.setPixelSize(14);
  p.setFont(font);
  p.setPen(QColor(0xE5, 0xE9, 0xF0));
  p.drawText(QRect(pad, 0, out.width() - 2 * pad, captionH), Qt::AlignVCenter | Qt::AlignLeft, caption);

  for (size_t i = 0; i < panels.size(); ++i) {
    const MethodPanel* panel = panels[i];
    const int x0 = int(i % columns) * cellW + pad, y0 = captionH + int(i / columns) * cellH;
    QFont bold = font;
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(QColor(0xE5, 0xE9, 0xF0));
    p.drawText(QRect(x0, y0, w, titleH), Qt::AlignVCenter | Qt::AlignLeft, panel->title());
    p.setFont(font);
    p.setPen(QColor(0x9A, 0xA3, 0xAF));
    p.drawText(QRect(x0, y0, w, titleH), Qt::AlignVCenter | Qt::AlignRight, panel->statusText());
    const QRect imageRect(x0, y0 + titleH, w, h);
    const viewer::VtkImageView* view = panel->view();
    if (!view->hasImage()) {
      p.fillRect(imageRect, QColor(0x10, 0x12, 0x16));
      p.setPen(QColor(0xB8, 0xC0, 0xCC));
      p.drawText(imageRect.adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, view->placeholder());
      continue;
    }
    const bool diverging = view->colorMap() == viewer::VtkImageView::ColorMap::Diverging;
    const viewer::WindowLevel window = view->effectiveWindow();
    p.drawImage(imageRect.topLeft(), viewer::toQImage(view->image(), window, diverging, scale));
    for (size_t r = 0; r < regions.size(); ++r) {
      const auto& z = regions[r];
      p.setPen(QPen(viewer::regionColor(int(r)), 2));
      p.drawRect(QRectF(x0 + z.x0 * scale, y0 + titleH + z.y0 * scale, z.width() * scale, z.height() * scale));
      // Inset: the region cut from the image at native resolution, magnified to the inset size.
      const int side = insetH - 6;
      const double aspect = z.width() / z.height();
      const QSize size = aspect >= 1 ? QSize(side, int(side / aspect)) : QSize(int(side * aspect), side);
      const QImage crop = viewer::toQImage(view->image(), window, diverging, 1)
                              .copy(QRect(int(std::floor(z.x0)), int(std::floor(z.y0)),
                                          std::max(1, int(std::ceil(z.x1) - std::floor(z.x0))),
                                          std::max(1, int(std::ceil(z.y1) - std::floor(z.y0)))));
      const QRect inset(x0 + int(r) * (side + 6), y0 + titleH + h + 6, size.width(), size.height());
      p.drawImage(inset, crop.scaled(size, Qt::IgnoreAspectRatio, Qt::FastTransformation));
      p.drawRect(inset);
    }
    const int fy = y0 + titleH + h + insetH + 4;
    p.setPen(QColor(0xD8, 0xDE, 0xE9));
    p.drawText(QRect(x0, fy, w, 20), Qt::AlignVCenter | Qt::AlignLeft, plain(panel->metricsText()));
    if (const auto& result = panel->result(); result && result->report) {
      int bx = x0;
      QFont chipFont = font;
      chipFont.setPixelSize(12);
      p.setFont(chipFont);
      const auto chip = [&](Label label, const QString& text) {
        const viewer::BadgeStyle s = viewer::BadgeStyle::of(label);
        const QString t = s.symbol + " " + text;
        const int tw = p.fontMetrics().horizontalAdvance(t) + 12;
        const QRect r(bx, fy + 24, tw, 20);
        p.setPen(Qt::NoPen);
        p.setBrush(s.background);
        p.drawRoundedRect(r, 9, 9);
        p.setPen(s.text);
        p.drawText(r, Qt::AlignCenter, t);
        bx += tw + 4;
      };
      chip(result->report->overall, QString::fromStdString(verdictText(result->report->overall)));
      for (const auto& c : result->report->certificates) chip(c.label, propertyTitle(suite, c.property));
      p.setBrush(Qt::NoBrush);
      p.setFont(font);
    }
  }
  return out;
}

void saveComparisonPng(const QImage& image, const QString& path) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly))
    throw InputError(path.toStdString(), "cannot write: " + file.errorString().toStdString());
  if (!image.save(&file, "PNG") || !file.commit())
    throw InputError(path.toStdString(), "cannot write PNG: " + file.errorString().toStdString());
}

}  // namespace trustct::ui
