#!/usr/bin/env python3
"""Two retailers' synthetic product catalogs in the entity-matching benchmark layout.

Deterministic for a given --seed and --products: the same arguments always write byte-identical
files, so the main job can regenerate them instead of shipping them.

The catalog has products (brand, product line, model number, attributes, price) in families of
near-misses: siblings that differ only in one model-number digit, or in a size (and the size
digits of the model number), which is what makes product matching hard. Each retailer lists a
subset of the products and writes them its own way:

  left  ("shop A"): "Brand Line MODEL-NO Size Noun" titles, a long description, the brand field,
                    a price;
  right ("shop B"): abbreviations ("Television" -> "TV", "Inch" -> '"'), reordered words, model
                    numbers reformatted (no hyphen, lower case) or moved to the description,
                    brand left out of the title or the brand field, typos, marketing words
                    ("NEW", "Free Shipping"), missing descriptions and prices, price jitter.

Output (in --out):
  tableA.csv, tableB.csv   id,title,description,brand,price
  train.csv, valid.csv, test.csv   ltable_id,rtable_id,label  (3:1:1 by pair; every match pair
                                   plus hard negatives: siblings, same brand and category, top
                                   token overlap; plus some random negatives)

    python examples/product-matching/generate_catalogs.py --out /tmp/catalogs [--products 1500 --seed 7]
"""
from __future__ import annotations

import argparse
import csv
import pathlib
import random
import string

# category -> (nouns for the title, short noun, size unit or None, sizes, price range, attribute pools)
CATEGORIES = {
    "tv": (["LED TV", "LCD HDTV", "Smart TV"], "Television", "Inch", [32, 40, 42, 46, 50, 55, 60, 65], (199, 2499),
           [["1080p", "720p", "4K Ultra HD"], ["60Hz", "120Hz", "240Hz"], ["Black", "Silver"]]),
    "camera": (["Digital Camera", "Compact Camera", "Mirrorless Camera"], "Camera", "MP", [12, 14, 16, 18, 20, 24], (99, 1499),
               [["5x Optical Zoom", "10x Optical Zoom", "20x Optical Zoom"], ["Black", "Red", "Silver", "Blue"],
                ["3.0\" LCD", "2.7\" LCD"]]),
    "laptop": (["Notebook", "Laptop", "Ultrabook"], "Notebook PC", "Inch", [11, 13, 14, 15, 17], (349, 2199),
               [["4GB RAM", "8GB RAM", "16GB RAM"], ["500GB HDD", "256GB SSD", "1TB HDD"], ["Windows 7", "Windows 8"]]),
    "headphones": (["Headphones", "Earbuds", "Headset"], "Headphones", None, [], (19, 399),
                   [["Noise Cancelling", "In-Ear", "Over-Ear", "On-Ear"], ["Black", "White", "Blue"], ["Wireless", "Wired"]]),
    "speaker": (["Speaker System", "Bookshelf Speakers", "Soundbar"], "Speakers", "Watt", [50, 100, 150, 200, 300], (49, 999),
                [["Black", "Cherry", "White"], ["2-Way", "3-Way"], ["Bluetooth", "Wired"]]),
    "printer": (["Inkjet Printer", "Laser Printer", "All-in-One Printer"], "Printer", "ppm", [18, 20, 25, 30, 35], (59, 799),
                [["Color", "Monochrome"], ["Wireless", "USB"], ["Duplex", "Simplex"]]),
    "router": (["Wireless Router", "Gigabit Router", "Ethernet Switch"], "Router", "Port", [4, 5, 8, 16, 24], (29, 349),
               [["802.11n", "802.11ac", "10/100"], ["Dual-Band", "Single-Band"], ["Black", "White"]]),
    "drive": (["External Hard Drive", "Portable Hard Drive", "USB Flash Drive"], "Hard Drive", "GB", [16, 32, 64, 500, 1000, 2000], (9, 299),
              [["USB 3.0", "USB 2.0"], ["Black", "Silver", "Red"], ["5400 RPM", "7200 RPM"]]),
    "monitor": (["LCD Monitor", "LED Monitor", "Widescreen Monitor"], "Monitor", "Inch", [19, 21, 22, 24, 27, 30], (99, 999),
                [["1920 x 1080", "2560 x 1440"], ["5ms", "2ms"], ["HDMI", "DVI", "VGA"]]),
    "phone": (["Cordless Phone", "Smartphone", "Mobile Phone"], "Phone", "GB", [8, 16, 32, 64], (29, 899),
              [["Black", "White", "Gold"], ["Unlocked", "Contract"], ["Dual SIM", "Single SIM"]]),
}

BRANDS = {
    "tv": ["Sony", "Samsung", "LG", "Panasonic", "Sharp", "Toshiba", "Vizio"],
    "camera": ["Canon", "Nikon", "Sony", "Olympus", "Panasonic", "Fujifilm", "Kodak"],
    "laptop": ["Dell", "HP", "Lenovo", "Toshiba", "Asus", "Acer", "Sony"],
    "headphones": ["Bose", "Sennheiser", "Sony", "Panasonic", "JVC", "Skullcandy"],
    "speaker": ["Bose", "Polk Audio", "Klipsch", "Yamaha", "Pioneer", "Sony"],
    "printer": ["HP", "Canon", "Epson", "Brother", "Lexmark", "Samsung"],
    "router": ["Linksys", "Netgear", "D-Link", "Belkin", "TP-Link", "Cisco"],
    "drive": ["Western Digital", "Seagate", "SanDisk", "Kingston", "Toshiba", "LaCie"],
    "monitor": ["Dell", "Samsung", "LG", "Asus", "Acer", "ViewSonic", "HP"],
    "phone": ["Panasonic", "Motorola", "Samsung", "Nokia", "VTech", "LG", "Uniden"],
}

LINES = ["Bravia", "Aquos", "Viera", "Regza", "Cyber-shot", "PowerShot", "Coolpix", "Lumix", "Inspiron", "Pavilion",
         "ThinkPad", "IdeaPad", "Aspire", "QuietComfort", "SoundLink", "Acoustimass", "Momentum", "OfficeJet", "PIXMA",
         "WorkForce", "LaserJet", "Nighthawk", "EtherFast", "My Passport", "Expansion", "Cruzer", "UltraSharp",
         "SyncMaster", "Xperia", "Galaxy", "Lumia", "Envy", "Satellite", "Vaio", "Elite", "Studio", "Pro", "Neo",
         "Ultra", "Prime", "Vista", "Edge", "Fusion", "Titan", "Zen", "Nova", "Aura", "Pulse"]

MARKETING = ["NEW!", "Free Shipping", "Best Seller", "Limited Edition", "2-Year Warranty", "Top Rated",
             "Factory Sealed", "Great Value", "In Stock", "Brand New"]

DESCRIPTION_PHRASES = ["features", "with", "includes", "designed for", "delivers", "perfect for home and office",
                       "easy setup", "sleek design", "energy efficient", "high performance", "compact",
                       "premium build quality", "backed by manufacturer warranty", "crisp detail",
                       "long battery life", "fast and reliable"]

ABBREVIATIONS = [("Television", "TV"), ("Inch", "\""), ("Inch", "in."), ("Black", "Blk"), ("Silver", "Slvr"),
                 ("Wireless", "WL"), ("Digital", "Dig."), ("Notebook", "NB"), ("External", "Ext."),
                 ("Portable", "Port."), ("Speakers", "Spkrs"), ("Speaker", "Spkr"), ("Monitor", "Mon."),
                 ("Printer", "Prntr"), ("Headphones", "Hdphns"), ("Optical", "Opt."), ("Gigabit", "GbE")]


class Product:
    __slots__ = ("pid", "category", "brand", "line", "model", "size", "unit", "noun", "attrs", "price", "family")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


def model_number(rng: random.Random, brand: str, size: int | None) -> str:
    """A code such as 'KDL-40W600B': brand letters, the size digits, a series letter, digits, a suffix."""
    prefix = "".join(c for c in brand.upper() if c.isalpha())[:rng.randint(1, 3)]
    prefix += "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(0, 2)))
    middle = str(size) if size is not None and rng.random() < 0.7 else str(rng.randint(1, 99))
    series = rng.choice(string.ascii_uppercase)
    digits = str(rng.randint(100, 9999))
    suffix = rng.choice(["", "", "B", "BK", "W", "S", "/B"])
    sep = rng.choice(["-", "-", ""])
    return f"{prefix}{sep}{middle}{series}{digits}{suffix}"


def change_one_digit(rng: random.Random, code: str) -> str:
    positions = [i for i, c in enumerate(code) if c.isdigit()]
    i = rng.choice(positions)
    new = rng.choice([d for d in string.digits if d != code[i]])
    return code[:i] + new + code[i + 1:]


def make_products(rng: random.Random, count: int) -> list[Product]:
    products: list[Product] = []
    family = 0
    while len(products) < count:
        family += 1
        category = rng.choice(sorted(CATEGORIES))
        nouns, _, unit, sizes, (lo, hi), pools = CATEGORIES[category]
        brand = rng.choice(BRANDS[category])
        line = rng.choice(LINES)
        size = rng.choice(sizes) if sizes else None
        base = Product(pid=len(products), category=category, brand=brand, line=line,
                       model=model_number(rng, brand, size), size=size, unit=unit, noun=rng.choice(nouns),
                       attrs=[rng.choice(pool) for pool in pools], price=round(rng.uniform(lo, hi), 2) - 0.01 * rng.randint(0, 1),
                       family=family)
        products.append(base)
        # Near-misses: about half the families get siblings.
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            if len(products) >= count:
                break
            sib = Product(**{k: getattr(base, k) for k in Product.__slots__})
            sib.pid = len(products)
            sib.attrs = list(base.attrs)
            if sizes and rng.random() < 0.5:
                other = rng.choice([s for s in sizes if s != base.size])
                sib.size = other
                sib.model = base.model.replace(str(base.size), str(other), 1) if str(base.size) in base.model else change_one_digit(rng, base.model)
                sib.price = round(base.price * (other / base.size) ** 0.5, 2)
            else:
                sib.model = change_one_digit(rng, base.model)
                sib.attrs[rng.randrange(len(sib.attrs))] = rng.choice(pools[rng.randrange(len(pools))])
                sib.price = round(base.price * rng.uniform(0.85, 1.2), 2)
            if sib.model == base.model or any(p.model == sib.model for p in products):
                continue
            products.append(sib)
    return products


def size_text(p: Product, unit_word: str | None = None) -> str:
    if p.size is None:
        return ""
    unit = unit_word if unit_word is not None else p.unit
    return f"{p.size} {unit}" if unit not in ("\"",) else f"{p.size}\""


def left_record(rng: random.Random, p: Product) -> dict:
    """Shop A: full, regular titles and long descriptions."""
    _, long_noun, _, _, _, _ = CATEGORIES[p.category]
    title = " ".join(x for x in [p.brand, p.line, p.model, size_text(p), p.noun] if x)
    words = [f"{p.brand} {p.line} {p.model}", size_text(p), long_noun.lower()] + p.attrs
    words += rng.sample(DESCRIPTION_PHRASES, 4)
    rng.shuffle(words[3:])
    description = " ".join(w for w in words if w)
    price = f"{p.price:.2f}" if rng.random() < 0.85 else ""
    return {"title": title, "description": description, "brand": p.brand, "price": price}


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 4 or any(c.isdigit() for c in word):
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap
    if kind < 0.7:
        return word[:i] + word[i + 1:]  # drop
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1:]  # substitute


def right_record(rng: random.Random, p: Product) -> dict:
    """Shop B: the same product written its own way."""
    _, long_noun, _, _, _, _ = CATEGORIES[p.category]
    model = p.model
    r = rng.random()
    if r < 0.3:
        model = model.replace("-", "").replace("/", "")
    elif r < 0.45:
        model = model.lower()
    elif r < 0.55 and "-" not in model:
        model = model[:3] + "-" + model[3:]
    noun = long_noun if rng.random() < 0.5 else p.noun
    parts = [p.brand if rng.random() < 0.8 else "", p.line if rng.random() < 0.7 else "", noun,
             size_text(p, rng.choice([p.unit, p.unit, "\"" if p.unit == "Inch" else p.unit])) if p.size is not None else "",
             rng.choice(p.attrs)]
    model_in_title = rng.random() < 0.8
    if model_in_title:
        parts.insert(rng.choice([1, 2, len(parts)]), model)
    if rng.random() < 0.4:  # reorder the middle
        middle = parts[1:-1]
        rng.shuffle(middle)
        parts = [parts[0]] + middle + [parts[-1]]
    title = " ".join(x for x in parts if x)
    for long, short in ABBREVIATIONS:
        if long in title and rng.random() < 0.4:
            title = title.replace(long, short, 1)
    words = title.split()
    words = [typo(rng, w) if rng.random() < 0.06 else w for w in words]
    if rng.random() < 0.35:
        words.insert(0 if rng.random() < 0.5 else len(words), rng.choice(MARKETING))
    title = " ".join(words)
    if rng.random() < 0.25:
        description = ""
    else:
        bits = [long_noun, model if not model_in_title or rng.random() < 0.5 else ""] + rng.sample(p.attrs, len(p.attrs))
        bits += rng.sample(DESCRIPTION_PHRASES, 2)
        description = ", ".join(b for b in bits if b)
    price = f"{p.price * rng.uniform(0.9, 1.1):.2f}" if rng.random() < 0.8 else ""
    brand = p.brand if rng.random() < 0.7 else ""
    return {"title": title, "description": description, "brand": brand, "price": price}


def tokens(text: str) -> set[str]:
    return {t for t in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(t) > 1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=pathlib.Path, help="output folder (created)")
    ap.add_argument("--products", type=int, default=1500, help="products in the shared catalog (default 1500)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--overlap", type=float, default=0.7, help="share of products both shops list (default 0.7)")
    ap.add_argument("--negatives", type=int, default=4, help="negative pairs per match pair (default 4)")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    products = make_products(rng, args.products)
    left_ids, right_ids = {}, {}  # product index -> table id
    left_rows, right_rows = [], []
    for p in products:
        r = rng.random()
        in_left = r < args.overlap + (1 - args.overlap) / 2
        in_right = r < args.overlap or r >= args.overlap + (1 - args.overlap) / 2
        if in_left:
            left_ids[p.pid] = len(left_rows)
            left_rows.append(left_record(rng, p))
        if in_right:
            right_ids[p.pid] = len(right_rows)
            right_rows.append(right_record(rng, p))
    # Shop B lists in its own order.
    order = list(range(len(right_rows)))
    rng.shuffle(order)
    new_id = {old: new for new, old in enumerate(order)}
    right_rows = [right_rows[old] for old in order]
    right_ids = {pid: new_id[rid] for pid, rid in right_ids.items()}

    # Pairs: every match, then hard negatives (siblings, same brand + category, most shared tokens), then random.
    by_family: dict[int, list[int]] = {}
    by_brand_cat: dict[tuple[str, str], list[int]] = {}
    for p in products:
        if p.pid in right_ids:
            by_family.setdefault(p.family, []).append(p.pid)
            by_brand_cat.setdefault((p.brand, p.category), []).append(p.pid)
    right_tokens = {pid: tokens(right_rows[rid]["title"]) for pid, rid in right_ids.items()}
    right_pids = sorted(right_ids)
    pairs: set[tuple[int, int, int]] = set()
    for pid in sorted(left_ids):
        p = products[pid]
        lid = left_ids[pid]
        if pid in right_ids:
            pairs.add((lid, right_ids[pid], 1))
        negatives: list[int] = [q for q in by_family.get(p.family, []) if q != pid]
        negatives += rng.sample([q for q in by_brand_cat.get((p.brand, p.category), []) if q != pid],
                                k=min(2, len(by_brand_cat.get((p.brand, p.category), [])) - (pid in right_ids)))
        lt = tokens(left_rows[lid]["title"])
        sample = rng.sample(right_pids, k=min(150, len(right_pids)))
        sample.sort(key=lambda q: (-len(lt & right_tokens[q]), q))
        negatives += [q for q in sample[:3] if q != pid]
        negatives += [q for q in rng.sample(right_pids, k=2) if q != pid]
        want = args.negatives if pid in right_ids else max(1, args.negatives // 2)
        seen = set()
        for q in negatives:
            if q in seen:
                continue
            seen.add(q)
            pairs.add((lid, right_ids[q], 0))
            if len(seen) >= want:
                break
    pair_list = sorted(pairs)
    rng.shuffle(pair_list)
    n = len(pair_list)
    splits = {"train": pair_list[: n * 3 // 5], "valid": pair_list[n * 3 // 5: n * 4 // 5], "test": pair_list[n * 4 // 5:]}

    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("tableA", left_rows), ("tableB", right_rows)):
        with open(args.out / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", "title", "description", "brand", "price"])
            for i, row in enumerate(rows):
                w.writerow([i, row["title"], row["description"], row["brand"], row["price"]])
    for name, rows in splits.items():
        with open(args.out / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["ltable_id", "rtable_id", "label"])
            w.writerows(rows)
    positives = sum(1 for p in pair_list if p[2])
    print(f"products {len(products)}; tableA {len(left_rows)} rows, tableB {len(right_rows)} rows; pairs {n} "
          f"({positives} matches): train {len(splits['train'])}, valid {len(splits['valid'])}, test {len(splits['test'])} -> {args.out}")


if __name__ == "__main__":
    main()
