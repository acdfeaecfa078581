#pragma once
// The comparison as a table, in the grid's free cell: one row per method with PSNR, SSIM, the overall
// certificate verdict (symbol + word + colour) and the time — the papers' comparison table for this case.
#include <QTableWidget>
#include <vector>

namespace trustct::ui {

class MethodPanel;

class ComparisonSummary : public QTableWidget {
  Q_OBJECT
 public:
  explicit ComparisonSummary(QWidget* parent = nullptr);
  void update(const std::vector<MethodPanel*>& panels);
};

}  // namespace trustct::ui
