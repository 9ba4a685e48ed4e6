// Host stub of esp_task_wdt.h (ESP-IDF 4.4, as in Arduino-ESP32 2.0.17): real signatures.
#pragma once

#include "freertos/FreeRTOS.h"
#include "stub_state.h"

typedef int esp_err_t;
#define ESP_OK 0

inline esp_err_t esp_task_wdt_init(uint32_t timeout, bool panic) { return timeout > 0 && panic ? ESP_OK : -1; }
inline esp_err_t esp_task_wdt_add(TaskHandle_t handle) { (void)handle; return ESP_OK; }
inline esp_err_t esp_task_wdt_delete(TaskHandle_t handle) { (void)handle; return ESP_OK; }
inline esp_err_t esp_task_wdt_reset(void) { ++stub::s().wdtResets; return ESP_OK; }
