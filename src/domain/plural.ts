// Russian plural forms: 1 балл, 2 балла, 5 баллов; 11–14 always take the "many" form.

export function pluralRu(n: number, one: string, few: string, many: string): string {
  const mod100 = Math.abs(n) % 100;
  const mod10 = mod100 % 10;
  if (mod100 >= 11 && mod100 <= 14) return many;
  if (mod10 === 1) return one;
  if (mod10 >= 2 && mod10 <= 4) return few;
  return many;
}

/** 77 → "77 баллов", 1 → "1 балл", 1500 → "1 500 баллов". */
export function formatPoints(points: number): string {
  const digits = String(Math.abs(points)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${points < 0 ? '-' : ''}${digits} ${pluralRu(points, 'балл', 'балла', 'баллов')}`;
}

/** 1 → "1 день", 3 → "3 дня", 14 → "14 дней". */
export function formatDays(days: number): string {
  return `${days} ${pluralRu(days, 'день', 'дня', 'дней')}`;
}
