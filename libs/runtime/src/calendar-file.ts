import { readFileSync } from 'node:fs';
import { CalendarDataError, parseCalendarText, type CalendarData } from '#libs/regulation';

/**
 * Reads a calendar JSON file (CALENDAR_FILE) and validates it with libs/regulation's rules (which
 * read no files). Throws CalendarDataError naming the file and the problem.
 */
export function loadCalendarFile(path: string): CalendarData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CalendarDataError(`cannot read calendar file ${path}: ${(e as Error).message}`, [(e as Error).message]);
  }
  return parseCalendarText(text, `calendar file ${path}`);
}
