#pragma once
// The comparison as one PNG for reports and papers: every panel at the image's full resolution
// (integer nearest-neighbour upscaling, so no pixel is invented), with its title, PSNR/SSIM, the
// certificate labels in words and symbols, the zoom regions outlined and their magnified insets.
#include <QImage>
#include <QRect>
#include <QString>
#include <vector>

#include "certs/Certificate.h"

namespace trustct::ui {

class ComparisonGrid;

// Where renderComparison put each panel and its certificate chips (for tests and for callers that crop).
struct ComparisonLayout {
  struct Chip {
    Label label;
    QString text;
    QRect rect;
  };
  struct Cell {
    QRect rect;                  // the panel's cell
    std::vector<Chip> chips;     // overall verdict first, then each certificate, wrapped within the cell
    QRect colorBar;              // a difference map's scale (its ramp), else empty
  };
  std::vector<Cell> cells;       // in the grid's panel order
};

// scale: integer upscaling of each image (1 = native pixels). Chips wrap onto as many rows as they need
// (every row the same height across the picture), so no certificate is ever cut off.
QImage renderComparison(const ComparisonGrid& grid, const QString& caption, int scale = 3,
                        ComparisonLayout* layout = nullptr);
// Writes atomically (temporary file, then rename); InputError naming the path on failure.
void saveComparisonPng(const QImage& image, const QString& path);

}  // namespace trustct::ui
