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
#include "viewer/DifferenceColorBar.h"
#include "viewer/WindowedImage.h"

namespace trustct::ui {

namespace {
QString plain(const QString& html) {
  QTextDocument d;
  d.setHtml(html);
  return d.toPlainText();
}

constexpr int kChipH = 20, kChipGap = 4;

// A panel's chips flowed left to right into `width`, wrapping as the badge bar does on screen.
std::vector<ComparisonLayout::Chip> flowChips(const CertificateReport& report, const CertificateSuite& suite,
                                              const QFontMetrics& fm, int width) {
  std::vector<ComparisonLayout::Chip> chips;
  chips.push_back({report.overall, viewer::BadgeStyle::of(report.overall).symbol + " " +
                                       QString::fromStdString(verdictText(report.overall)), {}});
  for (const auto& c : report.certificates)
    chips.push_back({c.label, viewer::BadgeStyle::of(c.label).chipText(propertyTitle(suite, c.property)), {}});
  int x = 0, y = 0;
  for (auto& chip : chips) {
    const int w = std::min(width, fm.horizontalAdvance(chip.text) + 14);
    if (x > 0 && x + w > width) {
      x = 0;
      y += kChipH + kChipGap;
    }
    chip.rect = QRect(x, y, w, kChipH);
    x += w + kChipGap;
  }
  return chips;
}
}  // namespace

QImage renderComparison(const ComparisonGrid& grid, const QString& caption, int scale, ComparisonLayout* layout) {
  const CertificateSuite suite = CertificateSuite::standard();
  const auto& panels = grid.panels();
  const auto& regions = grid.coordinator().regions();
  const int w = grid.coordinator().imageWidth() * scale, h = grid.coordinator().imageHeight() * scale;
  const int columns = std::max(1, std::min<int>(grid.columns(), int(panels.size())));
  const int rows = int(std::ceil(double(panels.size()) / columns));
  const int pad = 12, titleH = 26, insetH = regions.empty() ? 0 : w / int(std::max<size_t>(regions.size(), 2)) + 6;
  QFont font("DejaVu Sans");
  font.setPixelSize(14);
  QFont chipFont = font;
  chipFont.setPixelSize(12);
  const QFontMetrics chipMetrics(chipFont);
  // Chips first: the footer is as tall as the most rows any panel's chips need.
  std::vector<std::vector<ComparisonLayout::Chip>> chips(panels.size());
  int chipRows = 1;
  for (size_t i = 0; i < panels.size(); ++i)
    if (const auto& result = panels[i]->result(); result && result->report && panels[i]->view()->hasImage()) {
      chips[i] = flowChips(*result->report, suite, chipMetrics, w);
      chipRows = std::max(chipRows, chips[i].back().rect.bottom() / (kChipH + kChipGap) + 1);
    }
  const int footerH = 28 + chipRows * (kChipH + kChipGap), captionH = 34;
  const int cellW = w + 2 * pad, cellH = titleH + h + insetH + footerH + pad;
  if (layout) layout->cells.assign(panels.size(), {});
  QImage out(columns * cellW, captionH + rows * cellH, QImage::Format_RGB32);
  out.fill(QColor(0x14, 0x17, 0x1C));
  QPainter p(&out);
  p.setRenderHint(QPainter::Antialiasing);
  p.setFont(font);
  p.setPen(QColor(0xE5, 0xE9, 0xF0));
  p.drawText(QRect(pad, 0, out.width() - 2 * pad, captionH), Qt::AlignVCenter | Qt::AlignLeft, caption);

  for (size_t i = 0; i < panels.size(); ++i) {
    const MethodPanel* panel = panels[i];
    const int x0 = int(i % columns) * cellW + pad, y0 = captionH + int(i / columns) * cellH;
    if (layout) layout->cells[i].rect = QRect(x0 - pad, y0, cellW, cellH);
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
    if (diverging) {
      // The map's scale as on screen (the view's colour bar): the ramp and its signed, symmetric ends.
      const viewer::DifferenceColorBar* bar = view->colorBar();
      const QRect ramp(imageRect.right() - 14, imageRect.top() + 12, 10, imageRect.height() / 2);
      const QRect text(ramp.left() - 84, ramp.top() - 8, 80, ramp.height() + 16);
      p.fillRect(text.united(ramp).adjusted(-4, -2, 4, 2), QColor(16, 18, 22, 190));  // legible over a white map
      for (int y = 0; y < ramp.height(); ++y) {
        const auto c = viewer::divergingColor(1.0 - double(y) / std::max(1, ramp.height() - 1));
        p.fillRect(QRect(ramp.left(), ramp.top() + y, ramp.width(), 1), QColor::fromRgbF(float(c[0]), float(c[1]), float(c[2])));
      }
      p.setPen(QColor(0x14, 0x17, 0x1C));
      p.drawRect(ramp.adjusted(0, 0, -1, -1));
      p.setPen(Qt::white);
      p.drawText(text, Qt::AlignRight | Qt::AlignTop, bar->label(bar->upper()));
      p.drawText(text, Qt::AlignRight | Qt::AlignVCenter, bar->label((bar->upper() + bar->lower()) / 2));
      p.drawText(text, Qt::AlignRight | Qt::AlignBottom, bar->label(bar->lower()));
      if (layout) layout->cells[i].colorBar = ramp;
    }
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
    p.setFont(chipFont);
    for (ComparisonLayout::Chip chip : chips[i]) {
      const viewer::BadgeStyle st = viewer::BadgeStyle::of(chip.label);
      chip.rect.translate(x0, fy + 24);
      p.setPen(st.outline.isValid() ? QPen(st.outline, 2) : QPen(Qt::NoPen));
      p.setBrush(st.background);
      p.drawRoundedRect(QRectF(chip.rect).adjusted(1, 1, -1, -1), st.radius, st.radius);
      p.setPen(st.text);
      p.drawText(chip.rect, Qt::AlignCenter, chip.text);
      if (layout) layout->cells[i].chips.push_back(chip);
    }
    p.setBrush(Qt::NoBrush);
    p.setFont(font);
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
