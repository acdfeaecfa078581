#pragma once
// One cell of the comparison grid: title, the VTK image view, progress with ETA while running,
// PSNR/SSIM against the reference, and the certificate badges. A method without a model shows
// "unavailable" with the registry's reason and never an image.
#include <QFrame>
#include <optional>

#include "ui/ReconstructionRunner.h"
#include "viewer/CertificateBadgeBar.h"
#include "viewer/VtkImageView.h"

class QLabel;

namespace trustct::ui {

class ProgressStrip;

class MethodPanel : public QFrame {
  Q_OBJECT
 public:
  enum class State { Reference, Unavailable, Idle, Queued, Running, Finished, Cancelled, Failed };

  MethodPanel(const std::string& methodId, const QString& title, viewer::ViewLinkCoordinator& coordinator, int index,
              QWidget* parent = nullptr);
  const std::string& methodId() const { return methodId_; }
  QString title() const { return title_; }
  State state() const { return state_; }
  viewer::VtkImageView* view() const { return view_; }
  viewer::CertificateBadgeBar* badges() const { return badges_; }
  const std::optional<CertifiedResult>& result() const { return result_; }
  QString metricsText() const;
  QString statusText() const;

  void showReference(const viewer::ImageBuffer& image);
  void setUnavailable(const QString& reason);
  void setQueued();
  void setRunning();
  void setProgress(double fraction, double etaSeconds, const QString& message);
  void setResult(const CertifiedResult& result, const std::function<QString(const std::string&)>& propertyTitle,
                 const QString& noCertificatesReason);
  void setCancelled();
  void setFailed(const QString& message);
  void setIdle();
  // Difference map: this panel shows (result − reference) in the diverging map; reference panels stay.
  void setDifference(const viewer::ImageBuffer* reference);
  void showCursorValue(const std::optional<viewer::PointF>& at, bool hounsfield);

 Q_SIGNALS:
  void badgeClicked(const QString& methodId, const QString& property);

 private:
  void setState(State s, const QString& status);
  void showEmpty(State s, const QString& status, const QString& placeholder);  // no image, no result

  std::string methodId_;
  QString title_;
  State state_ = State::Idle;
  viewer::VtkImageView* view_;
  QLabel* titleLabel_;
  QLabel* statusLabel_;
  ProgressStrip* progress_;
  QLabel* metricsLabel_;
  QLabel* cursorLabel_;
  viewer::CertificateBadgeBar* badges_;
  std::optional<CertifiedResult> result_;
  viewer::ImageBuffer image_;      // the result's image as the view shows it
  viewer::ImageBuffer reference_;  // for Reference panels
};

QString formatEta(double seconds);
// "(x, y)  value  HU" for the pixel of `view` under image point `at`; empty outside the image.
QString pixelReadout(const viewer::VtkImageView& view, viewer::PointF at, bool hounsfield);  // "ETA 12 s", "ETA 2 min 5 s", "" when unknown

}  // namespace trustct::ui
