#pragma once
// The comparison as one PNG for reports and papers: every panel at the image's full resolution
// (integer nearest-neighbour upscaling, so no pixel is invented), with its title, PSNR/SSIM, the
// certificate labels in words and symbols, the zoom regions outlined and their magnified insets.
#include <QImage>
#include <QString>

namespace trustct::ui {

class ComparisonGrid;

// scale: integer upscaling of each image (1 = native pixels).
QImage renderComparison(const ComparisonGrid& grid, const QString& caption, int scale = 3);
// Writes atomically (temporary file, then rename); InputError naming the path on failure.
void saveComparisonPng(const QImage& image, const QString& path);

}  // namespace trustct::ui
