// Compiled (syntax only) by ctest: with the real pin map it must build; with a bad one
// (a broken copy of pins.h first on the include path) it must fail on the matching static_assert.
#include "pins.h"

static_assert(pins::kButton == pins::pin(pins::Fn::Button), "the map is usable");
