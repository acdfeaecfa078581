#include "viewer/VtkImageView.h"

#include "viewer/DifferenceColorBar.h"
#include "viewer/WindowedImage.h"

#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QPainter>
#include <QSurfaceFormat>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace trustct::viewer {

namespace {
const double kBackground[3] = {0.063, 0.071, 0.086};
constexpr unsigned int kGlDrawFramebuffer = 0x8CA9;  // GL_DRAW_FRAMEBUFFER
}  // namespace

QColor regionColor(int index) {
  static const QColor colors[] = {QColor(0xF0, 0xE4, 0x42), QColor(0x56, 0xB4, 0xE9), QColor(0xCC, 0x79, 0xA7)};
  return colors[index % 3];
}

// Everything VTK: the render window bound to this widget's context, the image pipeline and one
// renderer per zoom-region inset (on a second layer so they draw over the main image).
struct VtkImageView::Vtk {
  vtkNew<vtkGenericOpenGLRenderWindow> window;
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkImageData> data;
  vtkNew<vtkImageSliceMapper> mapper;
  vtkNew<vtkImageSlice> slice;
  vtkNew<vtkLookupTable> diverging;
  std::vector<vtkSmartPointer<vtkRenderer>> insets;
};

// Qt-painted annotations over the VTK image: region outlines and inset frames, the cursor, the
// rubber band while drawing, and the placeholder text of an empty panel.
class ViewOverlay : public QWidget {
 public:
  explicit ViewOverlay(VtkImageView* view) : QWidget(view), view_(view) {
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    if (!view_->hasImage()) {
      p.setPen(QColor(0xB8, 0xC0, 0xCC));
      p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, view_->placeholder());
      return;
    }
    const ViewTransform t = view_->transform();
    const auto& regions = view_->coordinator_.regions();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    small.setBold(true);
    p.setFont(small);
    for (size_t i = 0; i < regions.size(); ++i) {
      const ZoomRegion& r = regions[i];
      const PointF a = t.toView({r.x0, r.y0}), b = t.toView({r.x1, r.y1});
      p.setPen(QPen(regionColor(int(i)), 1.5));
      p.setBrush(Qt::NoBrush);
      p.drawRect(QRectF(QPointF(a.x, a.y), QPointF(b.x, b.y)));
      p.drawText(QPointF(a.x + 3, a.y - 4), QString::number(i + 1));
    }
    const auto insets = VtkImageView::insetLayout(regions, width(), height());
    for (const auto& [index, rect] : insets) {
      p.setPen(QPen(regionColor(index), 2));
      p.drawRect(QRectF(rect[0], rect[1], rect[2], rect[3]));
      p.drawText(QPointF(rect[0] + 4, rect[1] + rect[3] - 4), QString::number(index + 1));
    }
    if (const auto& band = view_->rubberBand_) {
      const PointF a = t.toView(band->first), b = t.toView(band->second);
      p.setPen(QPen(Qt::white, 1, Qt::DashLine));
      p.drawRect(QRectF(QPointF(a.x, a.y), QPointF(b.x, b.y)));
    }
    if (const auto& c = view_->coordinator_.panel(view_->panel_).cursor) {
      const PointF v = t.toView(*c);
      p.setPen(QPen(QColor(0x56, 0xB4, 0xE9), 1));
      p.drawLine(QPointF(v.x - 7, v.y), QPointF(v.x - 2, v.y));
      p.drawLine(QPointF(v.x + 2, v.y), QPointF(v.x + 7, v.y));
      p.drawLine(QPointF(v.x, v.y - 7), QPointF(v.x, v.y - 2));
      p.drawLine(QPointF(v.x, v.y + 2), QPointF(v.x, v.y + 7));
    }
  }

 private:
  VtkImageView* view_;
};

void VtkImageView::installDefaultSurfaceFormat() {
  QSurfaceFormat format;
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  format.setAlphaBufferSize(8);
  QSurfaceFormat::setDefaultFormat(format);
}

VtkImageView::VtkImageView(ViewLinkCoordinator& coordinator, int panel, QWidget* parent)
    : QOpenGLWidget(parent), coordinator_(coordinator), panel_(panel), vtk_(std::make_unique<Vtk>()),
      overlay_(new ViewOverlay(this)), windowLabel_(new QLabel(this)), colorBar_(new DifferenceColorBar(this)) {
  setMouseTracking(true);
  windowLabel_->setObjectName("windowLevelReadout");
  windowLabel_->setAttribute(Qt::WA_TransparentForMouseEvents);
  // A dark backing keeps the text legible over a white image; one small style sheet, set once.
  windowLabel_->setStyleSheet("QLabel { color: #E5E9F0; background: rgba(16, 18, 22, 170); padding: 1px 4px; }");
  windowLabel_->hide();
  colorBar_->hide();
  setFocusPolicy(Qt::ClickFocus);
  setMinimumSize(120, 120);

  vtk_->renderer->SetBackground(kBackground);
  vtk_->renderer->GetActiveCamera()->ParallelProjectionOn();
  vtk_->mapper->SetInputData(vtk_->data);
  vtk_->slice->SetMapper(vtk_->mapper);
  vtk_->slice->GetProperty()->SetInterpolationTypeToNearest();
  vtk_->slice->VisibilityOff();
  vtk_->renderer->AddViewProp(vtk_->slice);
  vtk_->window->SetNumberOfLayers(2);
  vtk_->window->AddRenderer(vtk_->renderer);
  // The same blue–white–orange map as exports (WindowedImage): signed differences stay readable
  // with red–green colour-vision deficiencies.
  vtk_->diverging->SetNumberOfTableValues(256);
  for (int i = 0; i < 256; ++i) {
    const auto c = divergingColor(i / 255.0);
    vtk_->diverging->SetTableValue(i, c[0], c[1], c[2], 1);
  }
  vtk_->diverging->Build();

  // VTK asks the host to make its context current and whether it is: answer with this widget's
  // context on its own surface (QOpenGLWidget::makeCurrent would also bind Qt's framebuffer behind
  // VTK's state cache).
  auto* makeCurrent = vtkCallbackCommand::New();
  makeCurrent->SetClientData(this);
  makeCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
    static_cast<VtkImageView*>(self)->makeContextCurrent();
  });
  vtk_->window->AddObserver(vtkCommand::WindowMakeCurrentEvent, makeCurrent);
  makeCurrent->Delete();
  auto* isCurrent = vtkCallbackCommand::New();
  isCurrent->SetClientData(this);
  isCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void* answer) {
    *static_cast<bool*>(answer) = static_cast<VtkImageView*>(self)->contextIsCurrent();
  });
  vtk_->window->AddObserver(vtkCommand::WindowIsCurrentEvent, isCurrent);
  isCurrent->Delete();

  token_ = coordinator_.subscribe([this](int p, int changes) { onCoordinatorChange(p, changes); });
}

VtkImageView::~VtkImageView() {
  coordinator_.unsubscribe(token_);
  releaseGraphics();
}

void VtkImageView::makeContextCurrent() {
  if (QOpenGLContext* c = context(); c && c->surface()) c->makeCurrent(c->surface());
}

bool VtkImageView::contextIsCurrent() const {
  return context() && QOpenGLContext::currentContext() == context();
}

void VtkImageView::releaseGraphics() {
  if (!glReady_ || !context()) return;
  makeCurrent();
  vtk_->window->Finalize();
  doneCurrent();
  glReady_ = false;
}

void VtkImageView::initializeGL() {
  vtkGenericOpenGLRenderWindow* w = vtk_->window;
  w->SetReadyForRendering(false);
  w->SetOwnContext(false);
  w->SetFrameBlitModeToNoBlit();
  w->SetMultiSamples(0);
  w->SetIsDirect(true);
  w->SetSupportsOpenGL(true);
  w->SetMapped(1);
  const double dpr = devicePixelRatioF();
  w->SetSize(std::max(1, int(width() * dpr)), std::max(1, int(height() * dpr)));
  if (!w->InitializeFromCurrentContext()) {
    setPlaceholder(tr("OpenGL 3.2 is not available: this panel cannot be drawn."));
    return;
  }
  w->SetReadyForRendering(true);
  glReady_ = true;
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &VtkImageView::releaseGraphics,
          Qt::UniqueConnection);
}

void VtkImageView::resizeGL(int, int) {
  const double dpr = devicePixelRatioF();
  vtk_->window->SetSize(std::max(1, int(width() * dpr)), std::max(1, int(height() * dpr)));
}

void VtkImageView::paintGL() {
  if (!glReady_) return;
  // Qt bound its framebuffer behind VTK's cached GL state: record the real state first.
  vtkOpenGLState* state = vtk_->window->GetState();
  state->Reset();
  state->Push();
  if (!warmedUp_) warmUp();
  syncScene();
  vtk_->window->Render();
  state->vtkglBindFramebuffer(kGlDrawFramebuffer, defaultFramebufferObject());
  vtk_->window->BlitDisplayFramebuffer();
  state->Pop();
}

void VtkImageView::warmUp() {
  // Compile the image shaders now (the window's first frame), not when the first reconstruction
  // arrives: with software OpenGL that compile takes tens of milliseconds of the event loop's budget.
  // The frame is rendered into VTK's own framebuffer and never shown.
  warmedUp_ = true;
  vtkNew<vtkImageData> data;
  data->SetDimensions(2, 2, 1);
  data->AllocateScalars(VTK_FLOAT, 1);
  std::fill_n(static_cast<float*>(data->GetScalarPointer()), 4, 0.5f);
  vtkNew<vtkImageSliceMapper> mapper;
  mapper->SetInputData(data);
  vtkNew<vtkImageSlice> slice;
  slice->SetMapper(mapper);
  slice->GetProperty()->SetInterpolationTypeToNearest();
  vtkNew<vtkRenderer> renderer;
  renderer->AddViewProp(slice);
  renderer->ResetCamera();
  vtk_->window->AddRenderer(renderer);
  vtk_->window->Render();
  vtk_->window->RemoveRenderer(renderer);
}

void VtkImageView::resizeEvent(QResizeEvent* e) {
  QOpenGLWidget::resizeEvent(e);
  overlay_->setGeometry(rect());
  placeReadouts();
}

void VtkImageView::placeReadouts() {
  windowLabel_->adjustSize();
  windowLabel_->move(4, height() - windowLabel_->height() - 4);
  // Bottom right, below the zoom-region insets (which run along the top edge).
  const int barH = std::max(60, height() * 2 / 5), barW = colorBar_->fontMetrics().horizontalAdvance("+0000 HU") + 18;
  colorBar_->setGeometry(width() - barW - 4, height() - barH - 4, barW, barH);
}

void VtkImageView::setHounsfield(bool on) {
  hounsfield_ = on;
  updateReadouts();
}

void VtkImageView::updateReadouts() {
  const bool diverging = hasImage() && colorMap_ == ColorMap::Diverging;
  if (diverging) {
    const WindowLevel w = differenceWindow_;
    if (hounsfield_) colorBar_->setScale(differenceToHu(w.lower()), differenceToHu(w.upper()), "HU");
    else colorBar_->setScale(w.lower(), w.upper(), {});
  } else if (hasImage() && panel_ < coordinator_.panelCount()) {
    windowLabel_->setText(QString::fromStdString(formatWindowLevel(coordinator_.panel(panel_).window, hounsfield_)));
  }
  windowLabel_->setVisible(hasImage() && !diverging);
  colorBar_->setVisible(diverging);
  placeReadouts();
}

WindowLevel VtkImageView::effectiveWindow() const {
  return colorMap_ == ColorMap::Diverging ? differenceWindow_ : coordinator_.panel(panel_).window;
}

ViewTransform VtkImageView::transform() const {
  const PanelView& v = coordinator_.panel(panel_);
  return ViewTransform(image_.width, image_.height, width(), height(), v.zoom, v.center.x, v.center.y);
}

std::vector<std::pair<int, std::array<double, 4>>> VtkImageView::insetLayout(const std::vector<ZoomRegion>& regions,
                                                                             double viewWidth, double viewHeight) {
  std::vector<std::pair<int, std::array<double, 4>>> out;
  if (regions.empty()) return out;
  const double margin = 6, gap = 6;
  const double side = std::min(viewWidth, viewHeight) * (regions.size() == 1 ? 0.40 : 0.30);
  double right = viewWidth - margin;
  for (int i = int(regions.size()) - 1; i >= 0; --i) {
    const ZoomRegion& r = regions[i];
    const double aspect = r.width() / r.height();
    const double w = aspect >= 1 ? side : side * aspect, h = aspect >= 1 ? side / aspect : side;
    out.push_back({i, {right - w, margin, w, h}});
    right -= w + gap;
  }
  return out;
}

void VtkImageView::syncScene() {
  const PanelView& v = coordinator_.panel(panel_);
  vtkImageProperty* prop = vtk_->slice->GetProperty();
  const WindowLevel window = effectiveWindow();
  prop->SetColorWindow(window.width);
  prop->SetColorLevel(window.center);
  if (colorMap_ == ColorMap::Diverging) {
    prop->SetLookupTable(vtk_->diverging);
    prop->UseLookupTableScalarRangeOff();
  } else {
    prop->SetLookupTable(nullptr);
  }
  const ViewTransform t = transform();
  vtkCamera* cam = vtk_->renderer->GetActiveCamera();
  // World coordinates are image coordinates with y flipped (VTK's y points up).
  cam->SetFocalPoint(v.center.x, -v.center.y, 0);
  cam->SetPosition(v.center.x, -v.center.y, 500);
  cam->SetViewUp(0, 1, 0);
  cam->SetParallelScale(height() / (2 * t.scale()));
  vtk_->renderer->SetActiveCamera(cam);
  vtk_->renderer->ResetCameraClippingRange();
  cam->SetClippingRange(1, 1000);

  for (auto& r : vtk_->insets) vtk_->window->RemoveRenderer(r);
  vtk_->insets.clear();
  if (!hasImage()) return;
  const auto& regions = coordinator_.regions();
  for (const auto& [index, rect] : insetLayout(regions, width(), height())) {
    const ZoomRegion& r = regions[index];
    auto inset = vtkSmartPointer<vtkRenderer>::New();
    inset->SetLayer(1);
    inset->SetPreserveColorBuffer(0);
    inset->SetBackground(kBackground);
    inset->SetViewport(rect[0] / width(), 1 - (rect[1] + rect[3]) / height(), (rect[0] + rect[2]) / width(),
                       1 - rect[1] / height());
    inset->AddViewProp(vtk_->slice);
    vtkCamera* ic = inset->GetActiveCamera();
    ic->ParallelProjectionOn();
    const double cx = (r.x0 + r.x1) / 2, cy = (r.y0 + r.y1) / 2;
    ic->SetFocalPoint(cx, -cy, 0);
    ic->SetPosition(cx, -cy, 500);
    ic->SetViewUp(0, 1, 0);
    ic->SetParallelScale(r.height() / 2);
    ic->SetClippingRange(1, 1000);
    vtk_->window->AddRenderer(inset);
    vtk_->insets.push_back(inset);
  }
}

void VtkImageView::setImage(const ImageBuffer& image, ColorMap map) {
  const bool sizeChanged = image.width != image_.width || image.height != image_.height;
  image_ = image;
  colorMap_ = map;
  vtkImageData* d = vtk_->data;
  if (sizeChanged) {
    d->SetDimensions(image.width, image.height, 1);
    d->SetSpacing(1, 1, 1);
    d->SetOrigin(0.5, -(image.height - 0.5), 0);
    d->AllocateScalars(VTK_FLOAT, 1);
  }
  auto* dst = static_cast<float*>(d->GetScalarPointer());
  for (int row = 0; row < image.height; ++row)  // VTK rows run bottom-up
    std::copy_n(image.pixels.data() + size_t(image.height - 1 - row) * image.width, image.width,
                dst + size_t(row) * image.width);
  d->Modified();
  vtk_->slice->VisibilityOn();
  updateReadouts();
  update();
  overlay_->update();
}

void VtkImageView::clearImage() {
  image_ = ImageBuffer{};
  vtk_->slice->VisibilityOff();
  updateReadouts();
  update();
  overlay_->update();
}

void VtkImageView::setPlaceholder(const QString& text) {
  placeholder_ = text;
  overlay_->update();
}

void VtkImageView::onCoordinatorChange(int p, int changes) {
  if (p >= 0 && p != panel_) return;
  if (p >= 0 && p >= coordinator_.panelCount()) return;
  if (panel_ >= coordinator_.panelCount()) return;
  if (changes & (ViewLinkCoordinator::ViewChanged | ViewLinkCoordinator::WindowChanged |
                 ViewLinkCoordinator::RegionsChanged))
    update();
  if (changes & ViewLinkCoordinator::WindowChanged) updateReadouts();
  overlay_->update();
}

namespace {
MouseButton buttonOf(Qt::MouseButton b) {
  switch (b) {
    case Qt::LeftButton: return MouseButton::Left;
    case Qt::MiddleButton: return MouseButton::Middle;
    case Qt::RightButton: return MouseButton::Right;
    default: return MouseButton::Other;
  }
}
}  // namespace

void VtkImageView::mousePressEvent(QMouseEvent* e) {
  if (!hasImage() || drag_ != DragAction::None) return;  // a second button during a drag changes nothing
  dragStart_ = dragLast_ = e->position();
  drag_ = dragActionFor(scheme_, buttonOf(e->button()), e->modifiers() & Qt::ControlModifier, regionTool_);
  const PointF at = transform().toImage({e->position().x(), e->position().y()});
  switch (drag_) {
    case DragAction::Region: rubberBand_ = std::make_pair(at, at); break;
    case DragAction::WindowLevel: dragWindow_ = coordinator_.panel(panel_).window; break;
    case DragAction::Zoom:
      dragZoom_ = coordinator_.panel(panel_).zoom;
      dragAnchor_ = at;
      break;
    case DragAction::Pan:
    case DragAction::None: break;
  }
}

void VtkImageView::mouseMoveEvent(QMouseEvent* e) {
  if (!hasImage()) return;
  const QPointF pos = e->position();
  const ViewTransform t = transform();
  const PointF at = t.toImage({pos.x(), pos.y()});
  const QPointF fromPress = pos - dragStart_;
  switch (drag_) {
    case DragAction::Pan: {
      const QPointF d = pos - dragLast_;
      coordinator_.panBy(panel_, -d.x() / t.scale(), -d.y() / t.scale());
      break;
    }
    case DragAction::WindowLevel:
      coordinator_.setWindow(panel_, dragWindow(dragWindow_, fromPress.x(), fromPress.y()));
      break;
    case DragAction::Zoom: {
      // Relative to the zoom at the press, about the pressed point, so the drag is reversible.
      const double now = coordinator_.panel(panel_).zoom;
      coordinator_.zoomAbout(panel_, dragZoom_ * dragZoomFactor(fromPress.y()) / now, dragAnchor_);
      break;
    }
    case DragAction::Region:
      rubberBand_->second = at;
      overlay_->update();
      break;
    case DragAction::None: break;
  }
  dragLast_ = pos;
  if (image_.contains(at.x, at.y)) {
    coordinator_.setCursor(panel_, at);
    Q_EMIT cursorMoved(panel_, at.x, at.y);
  } else {
    coordinator_.setCursor(panel_, std::nullopt);
    Q_EMIT cursorLeft(panel_);
  }
}

void VtkImageView::mouseReleaseEvent(QMouseEvent*) {
  if (drag_ == DragAction::Region && rubberBand_) {
    const auto [a, b] = *rubberBand_;
    rubberBand_.reset();
    coordinator_.addRegion(a, b);
    overlay_->update();
  }
  drag_ = DragAction::None;
}

void VtkImageView::mouseDoubleClickEvent(QMouseEvent*) {
  if (hasImage()) coordinator_.resetView(panel_);
}

void VtkImageView::wheelEvent(QWheelEvent* e) {
  if (!hasImage()) return;
  const PointF anchor = transform().toImage({e->position().x(), e->position().y()});
  coordinator_.zoomAbout(panel_, std::pow(1.15, e->angleDelta().y() / 120.0), anchor);
  e->accept();
}

void VtkImageView::leaveEvent(QEvent*) {
  if (panel_ < coordinator_.panelCount()) coordinator_.setCursor(panel_, std::nullopt);
  Q_EMIT cursorLeft(panel_);
}

}  // namespace trustct::viewer
