// Host stub: the FreeRTOS (ESP-IDF 4.4 SMP port) types and critical-section macros the sketch uses.
#pragma once

#include <cstdint>

typedef uint32_t TickType_t;
typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef void* TaskHandle_t;
typedef void (*TaskFunction_t)(void*);

#define pdTRUE 1
#define pdFALSE 0
#define pdPASS 1
#define portTICK_PERIOD_MS 1
#define pdMS_TO_TICKS(xTimeInMs) ((TickType_t)(xTimeInMs))

typedef struct {
  uint32_t owner;
  uint32_t count;
} portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED \
  { 0xB33FFFFF, 0 }

inline void vPortEnterCritical(portMUX_TYPE* mux) { ++mux->count; }
inline void vPortExitCritical(portMUX_TYPE* mux) { --mux->count; }
#define portENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL(mux) vPortExitCritical(mux)
#define portENTER_CRITICAL_ISR(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL_ISR(mux) vPortExitCritical(mux)
