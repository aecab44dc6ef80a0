// A deterministic demo catalog: the same seed always yields the same products, so tests
// and docs can name real SKUs. Pure: no database, no clock.

export interface GeneratedProduct {
  sku: string;
  name: string;
  category: string;
  price_cents: number;
  qty: number;
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CATEGORIES: Record<string, { code: string; nouns: string[] }> = {
  Apparel: { code: 'APP', nouns: ['T-Shirt', 'Hoodie', 'Jacket', 'Scarf', 'Cap', 'Sweater'] },
  Shoes: { code: 'SHO', nouns: ['Sneaker', 'Boot', 'Sandal', 'Loafer', 'Trail Runner'] },
  Bags: { code: 'BAG', nouns: ['Backpack', 'Tote', 'Duffel', 'Messenger Bag', 'Wallet'] },
  Electronics: { code: 'ELE', nouns: ['Headphones', 'Speaker', 'Charger', 'Keyboard', 'Mouse', 'Webcam'] },
  Home: { code: 'HOM', nouns: ['Mug', 'Lamp', 'Blanket', 'Vase', 'Cutting Board', 'Kettle'] },
  Books: { code: 'BOO', nouns: ['Cookbook', 'Novel', 'Field Guide', 'Atlas', 'Notebook'] },
  Outdoor: { code: 'OUT', nouns: ['Tent', 'Water Bottle', 'Headlamp', 'Camp Chair', 'Sleeping Bag'] },
  Toys: { code: 'TOY', nouns: ['Puzzle', 'Kite', 'Building Set', 'Plush Bear', 'Board Game'] },
};

const ADJECTIVES = ['Classic', 'Urban', 'Alpine', 'Coastal', 'Midnight', 'Everyday', 'Vintage', 'Compact', 'Deluxe', 'Eco', 'Nordic', 'Solar'];
const COLOURS = ['Black', 'White', 'Red', 'Blue', 'Green', 'Grey', 'Sand', 'Olive'];

/** `count` products from `seed`; SKUs look like `DP-ELE-0042`. */
export function generateCatalog(count = 300, seed = 20240501): GeneratedProduct[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const categories = Object.keys(CATEGORIES);
  const out: GeneratedProduct[] = [];
  for (let i = 1; i <= count; i++) {
    const category = categories[(i - 1) % categories.length] as string;
    const { code, nouns } = CATEGORIES[category] as { code: string; nouns: string[] };
    const name = `${pick(ADJECTIVES)} ${pick(COLOURS)} ${pick(nouns)}`;
    // Prices from 4.99 to 499.99, always ending in .99 or .49.
    const dollars = 4 + Math.floor(rand() ** 2 * 496);
    const price_cents = dollars * 100 + (rand() < 0.5 ? 99 : 49);
    // About one product in ten is out of stock.
    const qty = rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 200);
    out.push({ sku: `DP-${code}-${String(i).padStart(4, '0')}`, name, category, price_cents, qty });
  }
  return out;
}
