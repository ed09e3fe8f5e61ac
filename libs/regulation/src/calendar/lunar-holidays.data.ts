/**
 * The solar dates of the statutory holidays that follow the lunar calendar or a solar term:
 * 春节 (正月初一), 清明节 (the 清明 solar term), 端午节 (五月初五), 中秋节 (八月十五).
 * 除夕 is the day before 正月初一.
 *
 * Generated from the `chinese-days` package (getSolarDateFromLunar, getSolarTermDate) and
 * checked against it in statutory-holidays.spec.ts; pure data, so the check of a calendar file
 * needs no lunar library at run time. Covers 2008 (the first year of the rules in statutory-holidays.ts) to 2050; extend the table (and its spec) before 2050.
 */
export interface LunarHolidayDates {
  springFestival: string;
  qingming: string;
  dragonBoat: string;
  midAutumn: string;
}

export const LUNAR_HOLIDAY_DATES: Readonly<Record<number, LunarHolidayDates>> = {
  2008: { springFestival: '2008-02-07', qingming: '2008-04-04', dragonBoat: '2008-06-08', midAutumn: '2008-09-14' },
  2009: { springFestival: '2009-01-26', qingming: '2009-04-04', dragonBoat: '2009-05-28', midAutumn: '2009-10-03' },
  2010: { springFestival: '2010-02-14', qingming: '2010-04-05', dragonBoat: '2010-06-16', midAutumn: '2010-09-22' },
  2011: { springFestival: '2011-02-03', qingming: '2011-04-05', dragonBoat: '2011-06-06', midAutumn: '2011-09-12' },
  2012: { springFestival: '2012-01-23', qingming: '2012-04-04', dragonBoat: '2012-06-23', midAutumn: '2012-09-30' },
  2013: { springFestival: '2013-02-10', qingming: '2013-04-04', dragonBoat: '2013-06-12', midAutumn: '2013-09-19' },
  2014: { springFestival: '2014-01-31', qingming: '2014-04-05', dragonBoat: '2014-06-02', midAutumn: '2014-09-08' },
  2015: { springFestival: '2015-02-19', qingming: '2015-04-05', dragonBoat: '2015-06-20', midAutumn: '2015-09-27' },
  2016: { springFestival: '2016-02-08', qingming: '2016-04-04', dragonBoat: '2016-06-09', midAutumn: '2016-09-15' },
  2017: { springFestival: '2017-01-28', qingming: '2017-04-04', dragonBoat: '2017-05-30', midAutumn: '2017-10-04' },
  2018: { springFestival: '2018-02-16', qingming: '2018-04-05', dragonBoat: '2018-06-18', midAutumn: '2018-09-24' },
  2019: { springFestival: '2019-02-05', qingming: '2019-04-05', dragonBoat: '2019-06-07', midAutumn: '2019-09-13' },
  2020: { springFestival: '2020-01-25', qingming: '2020-04-04', dragonBoat: '2020-06-25', midAutumn: '2020-10-01' },
  2021: { springFestival: '2021-02-12', qingming: '2021-04-04', dragonBoat: '2021-06-14', midAutumn: '2021-09-21' },
  2022: { springFestival: '2022-02-01', qingming: '2022-04-05', dragonBoat: '2022-06-03', midAutumn: '2022-09-10' },
  2023: { springFestival: '2023-01-22', qingming: '2023-04-05', dragonBoat: '2023-06-22', midAutumn: '2023-09-29' },
  2024: { springFestival: '2024-02-10', qingming: '2024-04-04', dragonBoat: '2024-06-10', midAutumn: '2024-09-17' },
  2025: { springFestival: '2025-01-29', qingming: '2025-04-04', dragonBoat: '2025-05-31', midAutumn: '2025-10-06' },
  2026: { springFestival: '2026-02-17', qingming: '2026-04-05', dragonBoat: '2026-06-19', midAutumn: '2026-09-25' },
  2027: { springFestival: '2027-02-06', qingming: '2027-04-05', dragonBoat: '2027-06-09', midAutumn: '2027-09-15' },
  2028: { springFestival: '2028-01-26', qingming: '2028-04-04', dragonBoat: '2028-05-28', midAutumn: '2028-10-03' },
  2029: { springFestival: '2029-02-13', qingming: '2029-04-04', dragonBoat: '2029-06-16', midAutumn: '2029-09-22' },
  2030: { springFestival: '2030-02-03', qingming: '2030-04-05', dragonBoat: '2030-06-05', midAutumn: '2030-09-12' },
  2031: { springFestival: '2031-01-23', qingming: '2031-04-05', dragonBoat: '2031-06-24', midAutumn: '2031-10-01' },
  2032: { springFestival: '2032-02-11', qingming: '2032-04-04', dragonBoat: '2032-06-12', midAutumn: '2032-09-19' },
  2033: { springFestival: '2033-01-31', qingming: '2033-04-04', dragonBoat: '2033-06-01', midAutumn: '2033-09-08' },
  2034: { springFestival: '2034-02-19', qingming: '2034-04-05', dragonBoat: '2034-06-20', midAutumn: '2034-09-27' },
  2035: { springFestival: '2035-02-08', qingming: '2035-04-05', dragonBoat: '2035-06-10', midAutumn: '2035-09-16' },
  2036: { springFestival: '2036-01-28', qingming: '2036-04-04', dragonBoat: '2036-05-30', midAutumn: '2036-10-04' },
  2037: { springFestival: '2037-02-15', qingming: '2037-04-04', dragonBoat: '2037-06-18', midAutumn: '2037-09-24' },
  2038: { springFestival: '2038-02-04', qingming: '2038-04-05', dragonBoat: '2038-06-07', midAutumn: '2038-09-13' },
  2039: { springFestival: '2039-01-24', qingming: '2039-04-05', dragonBoat: '2039-05-27', midAutumn: '2039-10-02' },
  2040: { springFestival: '2040-02-12', qingming: '2040-04-04', dragonBoat: '2040-06-14', midAutumn: '2040-09-20' },
  2041: { springFestival: '2041-02-01', qingming: '2041-04-04', dragonBoat: '2041-06-03', midAutumn: '2041-09-10' },
  2042: { springFestival: '2042-01-22', qingming: '2042-04-04', dragonBoat: '2042-06-22', midAutumn: '2042-09-28' },
  2043: { springFestival: '2043-02-10', qingming: '2043-04-05', dragonBoat: '2043-06-11', midAutumn: '2043-09-17' },
  2044: { springFestival: '2044-01-30', qingming: '2044-04-04', dragonBoat: '2044-05-31', midAutumn: '2044-10-05' },
  2045: { springFestival: '2045-02-17', qingming: '2045-04-04', dragonBoat: '2045-06-19', midAutumn: '2045-09-25' },
  2046: { springFestival: '2046-02-06', qingming: '2046-04-04', dragonBoat: '2046-06-08', midAutumn: '2046-09-15' },
  2047: { springFestival: '2047-01-26', qingming: '2047-04-05', dragonBoat: '2047-05-29', midAutumn: '2047-10-04' },
  2048: { springFestival: '2048-02-14', qingming: '2048-04-04', dragonBoat: '2048-06-15', midAutumn: '2048-09-22' },
  2049: { springFestival: '2049-02-02', qingming: '2049-04-04', dragonBoat: '2049-06-04', midAutumn: '2049-09-11' },
  2050: { springFestival: '2050-01-23', qingming: '2050-04-04', dragonBoat: '2050-06-23', midAutumn: '2050-09-30' },
};
