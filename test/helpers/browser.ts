// Shared by the browser tests: Debian's Chromium (skipped with a message when absent) and the
// two page reads they all use.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

// The waitForFunction callback runs in the browser; the project compiles without the DOM library,
// so the little it touches is declared here (module scope).
declare const document: {
  querySelector(selector: string): { hidden: boolean; textContent: string | null } | null;
};

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Headless Debian Chromium; the flags keep it off this machine's closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Waits until the element's text contains `expected`; fails with what it showed instead. */
export async function waitForText(
  page: Page,
  selector: string,
  expected: string,
  timeout = 5000,
): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, text]) => {
        const node = document.querySelector(sel as string);
        return node !== null && !node.hidden && (node.textContent ?? '').includes(text as string);
      },
      [selector, expected],
      { timeout },
    );
  } catch {
    const shown = await page
      .locator(selector)
      .textContent()
      .catch(() => '(missing)');
    throw new Error(`${selector} should show "${expected}" but shows "${shown}"`);
  }
}

// innerText on purpose: the text as the cashier sees it, line breaks of block elements included.
// biome-ignore lint/performance/useDomNodeTextContent: rendered text is what is being checked
export const text = (page: Page, selector: string) => page.locator(selector).innerText();
