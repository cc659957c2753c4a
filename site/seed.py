"""Demo content for a fresh install, and bulk rows for benchmarks."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from . import notifications
from .extensions import db
from .models import Category
from .models import CategoryTranslation
from .models import Inquiry
from .models import Post
from .models import PostStatus
from .models import Product
from .models import ProductTranslation
from .models import User
from .models.base import utcnow

CATEGORIES = {
    "kitchen": {
        "en": "Kitchen",
        "de": "Küche",
        "fr": "Cuisine",
        "es": "Cocina",
        "ar": "المطبخ",
        "pt-BR": "Cozinha",
        "zh-Hant": "廚房",
    },
    "office": {
        "en": "Office",
        "de": "Büro",
        "fr": "Bureau",
        "es": "Oficina",
        "ar": "المكتب",
        "pt-BR": "Escritório",
        "zh-Hant": "辦公室",
    },
    "garden": {
        "en": "Garden",
        "de": "Garten",
        "fr": "Jardin",
        "es": "Jardín",
        "ar": "الحديقة",
        "pt-BR": "Jardim",
        "zh-Hant": "花園",
    },
}

PRODUCTS = [
    (
        "MUG-BLUE",
        "blue-mug",
        "kitchen",
        "12.50",
        140,
        {
            "en": ("Blue mug", "A stoneware mug glazed in *deep blue*. Holds 350 ml."),
            "de": ("Blaue Tasse", "Ein Steingutbecher mit *tiefblauer* Glasur. Fasst 350 ml."),
            "fr": (
                "Tasse bleue",
                "Une tasse en grès émaillée d'un *bleu profond*. Contient 35 cl.",
            ),
            "es": ("Taza azul", "Una taza de gres esmaltada en *azul intenso*. Caben 350 ml."),
            "ar": ("كوب أزرق", "كوب من الخزف الحجري بطلاء *أزرق غامق*. يتسع لـ 350 مل."),
            "pt-BR": ("Caneca azul", "Uma caneca de cerâmica com esmalte *azul profundo*. 350 ml."),
            "zh-Hant": ("藍色馬克杯", "*深藍色*釉面石器馬克杯,容量 350 毫升。"),
        },
    ),
    (
        "TEAPOT-1",
        "cast-iron-teapot",
        "kitchen",
        "48.00",
        25,
        {
            "en": ("Cast-iron teapot", "Keeps tea warm for an hour. Enamelled inside."),
            "de": ("Teekanne aus Gusseisen", "Hält Tee eine Stunde lang warm. Innen emailliert."),
            "fr": (
                "Théière en fonte",
                "Garde le thé chaud pendant une heure. Émaillée à l'intérieur.",
            ),
            "es": (
                "Tetera de hierro fundido",
                "Mantiene el té caliente una hora. Esmaltada por dentro.",
            ),
        },
    ),
    (
        "NOTE-A5",
        "a5-notebook",
        "office",
        "9.90",
        500,
        {
            "en": ("A5 notebook", "192 dotted pages of 100 g/m² paper, lies flat."),
            "de": ("Notizbuch A5", "192 gepunktete Seiten aus 100 g/m² Papier, liegt flach."),
            "fr": ("Carnet A5", "192 pages pointillées en papier 100 g/m², s'ouvre à plat."),
            "ar": ("دفتر A5", "192 صفحة منقطة من ورق 100 غ/م²، ينفتح بشكل مسطح."),
            "zh-Hant": ("A5 筆記本", "192 頁點陣內頁,100 g/m² 紙張,可完全攤平。"),
        },
    ),
    (
        "LAMP-DESK",
        "desk-lamp",
        "office",
        "79.00",
        40,
        {
            "en": ("Desk lamp", "Warm LED light with a dimmer and a weighted base."),
            "de": ("Schreibtischlampe", "Warmes LED-Licht mit Dimmer und schwerem Fuß."),
            "pt-BR": ("Luminária de mesa", "Luz LED quente com dimmer e base pesada."),
        },
    ),
    (
        "PEN-FOUNT",
        "fountain-pen",
        "office",
        "35.00",
        0,
        {
            "en": ("Fountain pen", "A steel nib that writes smoothly from the first line."),
            "fr": ("Stylo plume", "Une plume en acier qui glisse dès la première ligne."),
        },
    ),
    (
        "CAN-WATER",
        "watering-can",
        "garden",
        "24.00",
        60,
        {
            "en": ("Watering can", "Galvanised steel, five litres, with a brass rose."),
            "de": ("Gießkanne", "Verzinkter Stahl, fünf Liter, mit Messingbrause."),
            "es": ("Regadera", "Acero galvanizado, cinco litros, con alcachofa de latón."),
        },
    ),
]

POSTS = [
    (
        "atrium-1-0",
        3,
        {
            "en": (
                "Atrium 1.0 is out",
                "Our site, back-office and API now share **one** database.",
            ),
            "de": (
                "Atrium 1.0 ist da",
                "Website, Backoffice und API teilen sich jetzt **eine** Datenbank.",
            ),
            "fr": (
                "Atrium 1.0 est sorti",
                "Le site, le back-office et l'API partagent désormais **une** base.",
            ),
            "ar": (
                "صدر أتريوم 1.0",
                "يتشارك الموقع ولوحة الإدارة والواجهة البرمجية الآن قاعدة بيانات **واحدة**.",
            ),
        },
    ),
    (
        "new-office-lisbon",
        20,
        {
            "en": ("A new office in Lisbon", "We moved to a bright office near the river."),
            "pt-BR": (
                "Um novo escritório em Lisboa",
                "Mudamos para um escritório claro perto do rio.",
            ),
            "es": (
                "Una nueva oficina en Lisboa",
                "Nos mudamos a una oficina luminosa junto al río.",
            ),
        },
    ),
]


def is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Product)) == 0


def seed_demo(author: User | None = None) -> None:
    """Categories, products and news in several locales; the caller commits."""
    categories = {}
    for slug, names in CATEGORIES.items():
        category = Category(slug=slug, name=names["en"])
        category.translations = [
            CategoryTranslation(locale=loc, name=name) for loc, name in names.items() if loc != "en"
        ]
        categories[slug] = category
        db.session.add(category)
    for sku, slug, category, price, stock, texts in PRODUCTS:
        name, description = texts["en"]
        product = Product(
            sku=sku,
            slug=slug,
            name=name,
            description=description,
            price=Decimal(price),
            currency="EUR",
            stock=stock,
            published=True,
            category=categories[category],
        )
        product.translations = [
            ProductTranslation(locale=loc, name=n, description=d)
            for loc, (n, d) in texts.items()
            if loc != "en"
        ]
        db.session.add(product)
    now = utcnow()
    for slug, days_ago, texts in POSTS:
        group = None
        for locale, (title, body) in texts.items():
            post = Post(
                slug=slug,
                locale=locale,
                title=title,
                body=body,
                author=author,
                status=PostStatus.PUBLISHED.value,
                published_at=now - timedelta(days=days_ago),
            )
            if group:
                post.translation_group = group
            db.session.add(post)
            db.session.flush()
            group = post.translation_group
    with notifications.suppressed(db.session()):  # an example, not a visitor's message
        db.session.add(
            Inquiry(
                name="Ada Lovelace",
                email="ada@example.com",
                locale="en",
                message="Do you ship to the United Kingdom?",
            )
        )
        db.session.flush()


def seed_bulk(
    products: int,
    posts: int,
    progress: Callable[[int], None] = lambda n: None,
    batch: int = 10_000,
) -> None:
    """Insert generated rows in batches with Core inserts, committing each batch.

    Rows are made one batch at a time, so memory stays flat for a million products.
    """
    rng = random.Random(42)
    start = db.session.scalar(select(func.coalesce(func.max(Product.id), 0))) or 0
    category_ids = list(db.session.scalars(select(Category.id))) or [None]
    words = [
        "blue",
        "red",
        "oak",
        "steel",
        "linen",
        "mini",
        "grand",
        "smart",
        "eco",
        "classic",
        "mug",
        "lamp",
        "chair",
        "desk",
        "pen",
        "vase",
        "bowl",
        "shelf",
        "rug",
        "clock",
    ]
    now = utcnow()
    for offset in range(0, products, batch):
        rows = []
        for n in range(start + offset + 1, start + min(offset + batch, products) + 1):
            name = f"{rng.choice(words).title()} {rng.choice(words)} {n}"
            rows.append(
                {
                    "sku": f"GEN-{n:08d}",
                    "slug": f"generated-{n}",
                    "name": name,
                    "description": "",
                    "price": Decimal(rng.randint(100, 99_999)) / 100,
                    "currency": "EUR",
                    "stock": rng.randint(0, 500),
                    "published": n % 5 != 0,
                    "category_id": rng.choice(category_ids),
                    "version": 1,
                    "created_at": now - timedelta(seconds=start + products - n),
                    "updated_at": now - timedelta(seconds=start + products - n),
                }
            )
        db.session.execute(insert(Product.__table__), rows)
        db.session.commit()
        progress(len(rows))
    post_start = db.session.scalar(select(func.coalesce(func.max(Post.id), 0))) or 0
    for offset in range(0, posts, batch):
        rows = []
        for n in range(post_start + offset + 1, post_start + min(offset + batch, posts) + 1):
            rows.append(
                {
                    "slug": f"generated-{n}",
                    "locale": "en",
                    "translation_group": f"{n:032x}",
                    "title": f"Generated news {n}",
                    "body": "Generated for benchmarks.",
                    "status": "published",
                    "published_at": now - timedelta(minutes=n),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(insert(Post.__table__), rows)
        db.session.commit()
        progress(len(rows))
    db.session.commit()  # end the read of the last batch's start: analyze() renews the pool
    analyze()


def analyze() -> None:
    """Refresh the query planner's statistics (after bulk rows, or on a SQLite file that
    never had them). Without them SQLite takes `published = 1` for a selective filter and
    sorts every published product for one page of the API, instead of walking the index of
    the sort column. (SQLite's `analysis_limit` would be faster, but its sample makes
    `published` look selective again.) SQLite connections read statistics when they open:
    the pool is emptied so that every later one sees them; call this with no transaction
    open in the session."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
        sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        db.engine.dispose()
