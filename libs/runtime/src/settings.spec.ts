import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '#libs/common';
import { deadlinePolicy, EmbeddedConfig, logLevels } from './settings.js';

describe('platform settings', () => {
  it('roll over holidays for the petitioner’s windows by default, and for what HOLIDAY_ROLLOVER lists', () => {
    const byDefault = deadlinePolicy(loadConfig(EmbeddedConfig, {}));
    expect(
      Object.entries(byDefault.rollOver)
        .filter(([, on]) => on)
        .map(([k]) => k),
    ).toEqual(['review-request', 're-review-request']);
    const custom = deadlinePolicy(loadConfig(EmbeddedConfig, { HOLIDAY_ROLLOVER: 'handling, review-request' }));
    expect(custom.rollOver.handling).toBe(true);
    expect(custom.rollOver['re-review-request']).toBe(false);
  });
  it('refuses an unknown deadline kind in HOLIDAY_ROLLOVER, naming the variable', () => {
    expect(() => loadConfig(EmbeddedConfig, { HOLIDAY_ROLLOVER: 'handling,lunch' })).toThrow(/^configuration: HOLIDAY_ROLLOVER /);
  });
  it('refuses, deadline by deadline, to compute in a year the calendar lacks unless told to assume ordinary weeks', () => {
    expect(deadlinePolicy(loadConfig(EmbeddedConfig, {})).onUncoveredYear).toBe('withhold');
    expect(deadlinePolicy(loadConfig(EmbeddedConfig, { CALENDAR_UNCOVERED_YEAR: 'refuse' })).onUncoveredYear).toBe('withhold');
    expect(deadlinePolicy(loadConfig(EmbeddedConfig, { CALENDAR_UNCOVERED_YEAR: 'provisional' })).onUncoveredYear).toBe('provisional');
  });
  it('maps LOG_LEVEL to Nest logger levels, each including those above it', () => {
    expect(logLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(logLevels('debug')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });
});
