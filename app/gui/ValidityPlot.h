#pragma once
// `trustct --plot-validity VALIDITY.json OUT.png`: the ROC curves of `trustct-cli validate-certificates`
// (docs/certificate-validity.png), one chart per method's overall verdict beside its best single property.
#include <QString>

namespace trustct::app {

// Returns the process exit code: 0 on success, 3 when the JSON cannot be read (the message names it).
int plotValidity(const QString& json, const QString& out);

}  // namespace trustct::app
