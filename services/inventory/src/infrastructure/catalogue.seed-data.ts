/** One product of the demo catalogue with its opening stock. Prices in euro cents. */
export interface SeedProduct {
  sku: string;
  name: string;
  description: string;
  priceMinor: number;
  onHand: number;
}

/**
 * The catalogue a fresh installation starts with: an outdoor-gear shop of 30 products at
 * realistic prices, with stock from plentiful (consumables) to scarce (a few units of the
 * expensive items, so "out of stock" is easy to reach in a demo).
 */
export const SEED_CATALOGUE: readonly SeedProduct[] = [
  {
    sku: 'TENT-2P-ULTRA',
    name: 'Ultralight 2-Person Tent',
    description: 'Freestanding double-wall tent, 1.4 kg packed, 3-season.',
    priceMinor: 34_900,
    onHand: 12,
  },
  {
    sku: 'TENT-4P-FAMILY',
    name: 'Family Dome Tent (4 persons)',
    description: 'Two vestibules, 2.1 m headroom, 3000 mm hydrostatic head.',
    priceMinor: 42_900,
    onHand: 6,
  },
  {
    sku: 'BAG-DOWN-M5',
    name: 'Down Sleeping Bag -5 °C',
    description: '650-fill responsibly sourced down, mummy cut, 980 g.',
    priceMinor: 27_900,
    onHand: 15,
  },
  {
    sku: 'BAG-SYN-P10',
    name: 'Synthetic Sleeping Bag +10 °C',
    description: 'Summer bag that stays warm when damp; machine washable.',
    priceMinor: 8_900,
    onHand: 40,
  },
  {
    sku: 'MAT-INFL-R4',
    name: 'Insulated Air Mat R 4.2',
    description: 'Self-inflating valve, 7 cm thick, pump sack included.',
    priceMinor: 14_900,
    onHand: 25,
  },
  {
    sku: 'MAT-FOAM-ZZ',
    name: 'Closed-Cell Foam Mat',
    description: 'Folding egg-crate pad, indestructible and 410 g.',
    priceMinor: 4_500,
    onHand: 60,
  },
  {
    sku: 'PACK-45L-TRAIL',
    name: 'Trail Backpack 45 L',
    description: 'Adjustable back length, hip-belt pockets, rain cover.',
    priceMinor: 17_900,
    onHand: 18,
  },
  {
    sku: 'PACK-22L-DAY',
    name: 'Daypack 22 L',
    description: 'Ventilated mesh back panel, hydration sleeve.',
    priceMinor: 7_900,
    onHand: 50,
  },
  {
    sku: 'STOVE-CAN-MINI',
    name: 'Mini Canister Stove',
    description: 'Piezo ignition, 2.8 kW, boils 1 L in 3.5 minutes.',
    priceMinor: 5_900,
    onHand: 35,
  },
  {
    sku: 'FUEL-CAN-230',
    name: 'Gas Canister 230 g',
    description: 'Isobutane/propane mix for canister stoves.',
    priceMinor: 690,
    onHand: 200,
  },
  {
    sku: 'POT-TI-750',
    name: 'Titanium Pot 750 ml',
    description: 'Fits a 230 g canister and a mini stove inside.',
    priceMinor: 4_900,
    onHand: 45,
  },
  {
    sku: 'FILTER-SQZ',
    name: 'Squeeze Water Filter',
    description: '0.1 micron hollow fibre, filters up to 380 000 litres.',
    priceMinor: 3_990,
    onHand: 80,
  },
  {
    sku: 'LAMP-HEAD-400',
    name: 'Headlamp 400 lm',
    description: 'USB-C rechargeable, red night mode, IPX4.',
    priceMinor: 4_490,
    onHand: 70,
  },
  {
    sku: 'JKT-SHELL-M',
    name: 'Waterproof Shell Jacket (M)',
    description: '3-layer membrane, pit zips, helmet-compatible hood.',
    priceMinor: 29_900,
    onHand: 10,
  },
  {
    sku: 'JKT-SHELL-L',
    name: 'Waterproof Shell Jacket (L)',
    description: '3-layer membrane, pit zips, helmet-compatible hood.',
    priceMinor: 29_900,
    onHand: 8,
  },
  {
    sku: 'JKT-DOWN-M',
    name: 'Down Jacket (M)',
    description: 'Packs into its own pocket, 800-fill, 290 g.',
    priceMinor: 21_900,
    onHand: 9,
  },
  {
    sku: 'FLEECE-MID-M',
    name: 'Grid Fleece Mid-Layer (M)',
    description: 'Breathable, quick-drying, thumb loops.',
    priceMinor: 7_900,
    onHand: 30,
  },
  {
    sku: 'BOOT-HIKE-42',
    name: 'Hiking Boots (EU 42)',
    description: 'Waterproof leather, Vibram sole, ankle support.',
    priceMinor: 18_900,
    onHand: 7,
  },
  {
    sku: 'BOOT-HIKE-44',
    name: 'Hiking Boots (EU 44)',
    description: 'Waterproof leather, Vibram sole, ankle support.',
    priceMinor: 18_900,
    onHand: 5,
  },
  {
    sku: 'SOCK-MERINO-3',
    name: 'Merino Hiking Socks (3 pairs)',
    description: 'Cushioned sole, 70% merino wool.',
    priceMinor: 3_490,
    onHand: 120,
  },
  {
    sku: 'POLE-CARB-PAIR',
    name: 'Carbon Trekking Poles (pair)',
    description: 'Three-section, flick locks, 460 g the pair.',
    priceMinor: 11_900,
    onHand: 20,
  },
  {
    sku: 'GPS-HAND-66',
    name: 'Handheld GPS Navigator',
    description: 'Topographic maps, satellite messaging, 35 h battery.',
    priceMinor: 54_900,
    onHand: 3,
  },
  {
    sku: 'WATCH-OUTDOOR',
    name: 'Outdoor GPS Watch',
    description: 'Barometric altimeter, compass, 14-day battery.',
    priceMinor: 39_900,
    onHand: 4,
  },
  {
    sku: 'KIT-FIRST-AID',
    name: 'First Aid Kit (Trek)',
    description: 'Blister care, bandages, tick tool, emergency blanket.',
    priceMinor: 2_990,
    onHand: 90,
  },
  {
    sku: 'KNIFE-FOLD-8',
    name: 'Folding Knife 8 cm',
    description: 'Stainless blade, liner lock, belt clip.',
    priceMinor: 3_900,
    onHand: 55,
  },
  {
    sku: 'BOTTLE-STEEL-1L',
    name: 'Insulated Bottle 1 L',
    description: 'Keeps drinks cold 24 h or hot 12 h.',
    priceMinor: 3_290,
    onHand: 100,
  },
  {
    sku: 'HAMMOCK-NYLON',
    name: 'Camping Hammock',
    description: 'Parachute nylon, tree straps included, 150 kg load.',
    priceMinor: 5_490,
    onHand: 22,
  },
  {
    sku: 'TARP-3X3',
    name: 'Tarp 3 × 3 m',
    description: 'Silnylon with eight guy-out points.',
    priceMinor: 8_900,
    onHand: 16,
  },
  {
    sku: 'CHAIR-FOLD-LITE',
    name: 'Lightweight Camp Chair',
    description: 'Packs to 35 cm, holds 120 kg, 900 g.',
    priceMinor: 9_900,
    onHand: 14,
  },
  {
    sku: 'BINOC-8X42',
    name: 'Binoculars 8 × 42',
    description: 'Waterproof roof-prism binoculars, nitrogen-filled.',
    priceMinor: 24_900,
    onHand: 2,
  },
];
