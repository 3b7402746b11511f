// Showing a customer without revealing them: masked phone, last card digits, first name and the
// initial of the surname. Used in responses, receipts and logs alike.

/** "+79123456789" → "+7 912 ***-**-89"; anything else keeps only its last two digits. */
export function maskPhone(phone: string): string {
  const m = /^\+7(\d{3})\d{5}(\d{2})$/.exec(phone);
  if (m) return `+7 ${m[1]} ***-**-${m[2]}`;
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-2)}`;
}

/** The last four digits of a card number. */
export function cardLast4(card: string): string {
  return card.replace(/\D/g, '').slice(-4);
}

/** "Анна Ковалёва" → "Анна К."; a single word stays; the surname initial comes from the second word. */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const [first, second] = words;
  if (!second) return first!;
  return `${first} ${second[0]!.toLocaleUpperCase('ru-RU')}.`;
}
