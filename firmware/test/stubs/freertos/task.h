// Host stub: the FreeRTOS task calls the sketch uses. Tasks are recorded, not started; a test
// may run one, and its loop ends (stub::StopTask) after stub::s().taskDelaysLeft delays.
#pragma once

#include "../stub_state.h"
#include "FreeRTOS.h"

inline BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pvTaskCode, const char* const pcName, const uint32_t usStackDepth,
                                          void* const pvParameters, UBaseType_t uxPriority, TaskHandle_t* const pvCreatedTask,
                                          const BaseType_t xCoreID) {
  (void)usStackDepth;
  (void)pvParameters;
  (void)uxPriority;
  (void)xCoreID;
  stub::s().tasks.emplace_back(pcName, pvTaskCode);
  if (pvCreatedTask) *pvCreatedTask = nullptr;
  return pdPASS;
}

inline TickType_t xTaskGetTickCount() { return static_cast<TickType_t>(stub::s().us / 1000); }

inline void vTaskDelay(const TickType_t xTicksToDelay) { stub::run(static_cast<uint64_t>(xTicksToDelay) * 1000); }

inline void vTaskDelayUntil(TickType_t* const pxPreviousWakeTime, const TickType_t xTimeIncrement) {
  if (stub::s().taskDelaysLeft-- <= 0) throw stub::StopTask();
  *pxPreviousWakeTime += xTimeIncrement;
  const uint64_t wake = static_cast<uint64_t>(*pxPreviousWakeTime) * 1000;
  if (wake > stub::s().us) stub::run(wake - stub::s().us);
}
