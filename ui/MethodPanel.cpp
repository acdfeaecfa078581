#include "ui/MethodPanel.h"

#include "ui/ProgressStrip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace trustct::ui {

QString formatEta(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return {};
  const int s = int(std::ceil(seconds));
  if (s < 60) return QObject::tr("ETA %1 s").arg(s);
  return QObject::tr("ETA %1 min %2 s").arg(s / 60).arg(s % 60);
}

MethodPanel::MethodPanel(const std::string& methodId, const QString& title, viewer::ViewLinkCoordinator& coordinator,
                         int index, QWidget* parent)
    : QFrame(parent), methodId_(methodId), title_(title) {
  setObjectName("panel:" + QString::fromStdString(methodId));
  // Palettes, not style sheets: panels repaint often while methods run, and style sheets are slow.
  setFrameShape(QFrame::StyledPanel);
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, QColor(0x1B, 0x1F, 0x26));
  setPalette(pal);
  QPalette dim = pal;
  dim.setColor(QPalette::WindowText, QColor(0x9A, 0xA3, 0xAF));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 5, 6, 6);
  layout->setSpacing(4);

  auto* header = new QHBoxLayout;
  titleLabel_ = new QLabel(title, this);
  QFont f = titleLabel_->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.1);
  titleLabel_->setFont(f);
  statusLabel_ = new QLabel(this);
  statusLabel_->setPalette(dim);
  statusLabel_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  header->addWidget(titleLabel_);
  header->addStretch(1);
  header->addWidget(statusLabel_);
  layout->addLayout(header);

  view_ = new viewer::VtkImageView(coordinator, index, this);
  layout->addWidget(view_, 1);

  progress_ = new ProgressStrip(this);
  progress_->hide();
  layout->addWidget(progress_);

  auto* footer = new QHBoxLayout;
  metricsLabel_ = new QLabel(this);
  cursorLabel_ = new QLabel(this);
  cursorLabel_->setPalette(dim);
  cursorLabel_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  footer->addWidget(metricsLabel_);
  footer->addStretch(1);
  footer->addWidget(cursorLabel_);
  layout->addLayout(footer);
  // Text rows of fixed height: a result's metrics arriving never resizes the image view (each resize
  // re-creates the panel's GL framebuffer and re-renders it, the costliest thing on the GUI thread).
  const int line = metricsLabel_->fontMetrics().height() + 2;
  for (QLabel* l : {titleLabel_, statusLabel_}) l->setFixedHeight(QFontMetrics(l->font()).height() + 2);
  for (QLabel* l : {metricsLabel_, cursorLabel_}) l->setFixedHeight(line);

  badges_ = new viewer::CertificateBadgeBar(this);
  badges_->setMinimumHeight(22);
  layout->addWidget(badges_);
  connect(badges_, &viewer::CertificateBadgeBar::badgeClicked, this,
          [this](const QString& property) { Q_EMIT badgeClicked(QString::fromStdString(methodId_), property); });
  setIdle();
}

void MethodPanel::setState(State s, const QString& status) {
  state_ = s;
  statusLabel_->setText(status);
  progress_->setVisible(s == State::Running || s == State::Queued);
}

QString MethodPanel::metricsText() const { return metricsLabel_->text(); }
QString MethodPanel::statusText() const { return statusLabel_->text(); }

void MethodPanel::showReference(const viewer::ImageBuffer& image) {
  reference_ = image;
  result_.reset();
  setState(State::Reference, image.empty() ? QString() : tr("ground truth"));
  if (image.empty()) {
    view_->clearImage();
    view_->setPlaceholder(tr("No reference image for this case"));
  } else {
    view_->setImage(image);
  }
  metricsLabel_->setText(image.empty() ? QString() : tr("reference for PSNR / SSIM"));
  badges_->setMessage(image.empty() ? QString() : tr("ground truth: not certified"));
}

void MethodPanel::showEmpty(State s, const QString& status, const QString& placeholder) {
  result_.reset();
  setState(s, status);
  view_->clearImage();
  view_->setPlaceholder(placeholder);
  metricsLabel_->clear();
  badges_->clear();
}

void MethodPanel::setUnavailable(const QString& reason) {
  showEmpty(State::Unavailable, tr("unavailable"), tr("Unavailable\n\n%1").arg(reason));
}

void MethodPanel::setIdle() {
  showEmpty(State::Idle, {},
            tr("Not reconstructed yet\n\nOpen a case: File ▸ Open, drop a DICOM file, series folder or sinogram here,\nor Ctrl+D for the demo"));
}

void MethodPanel::setQueued() {
  progress_->setFraction(0);
  showEmpty(State::Queued, tr("queued"), tr("Queued"));
}

void MethodPanel::setRunning() {
  setState(State::Running, tr("running"));
  view_->setPlaceholder(tr("Reconstructing…"));
}

void MethodPanel::setProgress(double fraction, double etaSeconds, const QString& message) {
  if (state_ != State::Running) setRunning();
  progress_->setFraction(fraction);
  const QString eta = formatEta(etaSeconds);
  statusLabel_->setText(QString("%1 %").arg(int(100 * fraction)) + (eta.isEmpty() ? "" : " · " + eta));
  view_->setPlaceholder(tr("Reconstructing…\n%1").arg(message));
}

void MethodPanel::setResult(const CertifiedResult& result, const std::function<QString(const std::string&)>& propertyTitle,
                            const QString& noCertificatesReason) {
  result_ = result;
  QString status = result.seconds < 1 ? tr("%1 ms").arg(result.seconds * 1000, 0, 'f', 0)
                                      : tr("%1 s").arg(result.seconds, 0, 'f', 1);
  if (result.iterations) status += tr(" · %1 it").arg(*result.iterations);
  setState(State::Finished, status);
  image_ = imageBufferFrom(result.image);
  view_->setImage(image_);
  if (result.psnr && result.ssim)
    metricsLabel_->setText(tr("PSNR <b>%1</b> dB · SSIM <b>%2</b>").arg(*result.psnr, 0, 'f', 2).arg(*result.ssim, 0, 'f', 3));
  else
    metricsLabel_->setText(tr("no reference: PSNR/SSIM unknown"));
  // Badges next turn: the image frame and the chips then repaint separately, each within budget.
  QTimer::singleShot(0, this, [this, propertyTitle, noCertificatesReason] {
    if (!result_) return;
    if (result_->report) badges_->setReport(*result_->report, propertyTitle);
    else badges_->setMessage(noCertificatesReason);
  });
}

void MethodPanel::setCancelled() {
  showEmpty(State::Cancelled, tr("cancelled"), tr("Cancelled — run again with Ctrl+R"));
}

void MethodPanel::setFailed(const QString& message) {
  showEmpty(State::Failed, tr("failed"), tr("Failed\n\n%1").arg(message));
}

void MethodPanel::setDifference(const viewer::ImageBuffer* reference) {
  if (!result_) return;
  if (reference && !reference->empty())
    view_->setImage(viewer::difference(image_, *reference), viewer::VtkImageView::ColorMap::Diverging);
  else
    view_->setImage(image_);
}

QString pixelReadout(const viewer::VtkImageView& view, viewer::PointF at, bool hounsfield) {
  const viewer::ImageBuffer& img = view.image();
  if (img.empty() || !img.contains(at.x, at.y)) return {};
  const int x = int(at.x), y = int(at.y);
  const double v = img.at(x, y);
  QString text = QString("(%1, %2)  %3").arg(x).arg(y).arg(v, 0, 'f', 4);
  if (view.colorMap() == viewer::VtkImageView::ColorMap::Diverging) text += QObject::tr(" difference");
  else if (hounsfield) text += QString("  %1 HU").arg(viewer::normalizedToHu(v), 0, 'f', 0);
  return text;
}

void MethodPanel::showCursorValue(const std::optional<viewer::PointF>& at, bool hounsfield) {
  cursorLabel_->setText(at ? pixelReadout(*view_, *at, hounsfield) : QString());
}

}  // namespace trustct::ui
