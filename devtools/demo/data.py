"""Fixed data of the demo Kreis "Landkreis Musterkreis": organisation, staff, name material.

All persons and places are fictional. In the name lists ``|`` separates spelling variants of
the same name as they turn up in German files (the first variant is the most common one).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from imcase.organisation.models import Provider, Role, StaffMember

RP_NAME = "Regierungspräsidium Stuttgart"
KREIS_NAME = "Landkreis Musterkreis"
AZ_PREFIX = "MK"
AREAS_FROM = dt.date(2023, 1, 1)
FIRST_ASSIGNMENT = dt.date(2021, 1, 1)
LAST_ASSIGNMENT = dt.date(2026, 10, 31)
# The fixed "today" of the demo: case status, extensions and the year of consultations are
# computed against it, never against the real date, so every run gives the same data.
DEMO_TODAY = dt.date(2026, 11, 1)
STAFF_SEED = "musterkreis-personal"  # the staff do not vary with --seed
MAIL_DOMAIN = "musterkreis.example"

LRA = "Landratsamt Musterkreis"
K = Provider.Kind
# provider → (kind, seat, counsels beyond the three-year window)
PROVIDERS: dict[str, tuple[str, str | None, bool]] = {
    LRA: (K.LANDKREIS, None, False),
    "Stadt Neuenmuster": (K.EIGENREGIE, "Neuenmuster", False),
    "Stadt Obertal": (K.EIGENREGIE, "Obertal", False),
    "Verbund Kleinbach-Hinterweiler-Fuchsweiler": (K.VERBUND, "Kleinbach", False),
    "Stadt Bergstadt": (K.KOOPERATION, "Bergstadt", True),
    "Diakonisches Werk im Musterkreis": (K.WOHLFAHRT, None, False),
}
# team → (provider, its municipalities: name, AGS, population; number of generated managers)
TEAMS: dict[str, tuple[str, list[tuple[str, str, int]], int]] = {
    "Team Nord": (
        LRA,
        [
            ("Musterstadt", "08199001", 24_800),
            ("Lindenfeld", "08199002", 6_300),
            ("Birkenweiler", "08199003", 3_400),
            ("Eichenrode", "08199004", 4_900),
        ],
        7,
    ),
    "Team Mitte": (
        LRA,
        [
            ("Weidenau", "08199011", 11_200),
            ("Rosenbach", "08199012", 7_600),
            ("Sonnhalden", "08199013", 3_900),
            ("Mühlried", "08199014", 5_300),
        ],
        5,
    ),
    "Team Süd": (
        LRA,
        [
            ("Steinhöfen", "08199021", 9_800),
            ("Tannweiler", "08199022", 2_600),
            ("Ahornbach", "08199023", 4_100),
            ("Hasenfeld", "08199024", 1_900),
        ],
        3,
    ),
    "Team Neuenmuster": ("Stadt Neuenmuster", [("Neuenmuster", "08199031", 34_500)], 4),
    "Team Obertal": ("Stadt Obertal", [("Obertal", "08199041", 17_800)], 3),
    "Team Verbund Kleinbach": (
        "Verbund Kleinbach-Hinterweiler-Fuchsweiler",
        [
            ("Kleinbach", "08199051", 4_400),
            ("Hinterweiler", "08199052", 2_200),
            ("Fuchsweiler", "08199053", 1_600),
        ],
        1,
    ),
    "Team Bergstadt": (
        "Stadt Bergstadt",
        [("Bergstadt", "08199061", 13_900), ("Untertal", "08199062", 2_300)],
        2,
    ),
    "Team Diakonie Seefelden": (
        "Diakonisches Werk im Musterkreis",
        [("Seefelden", "08199071", 8_700)],
        1,
    ),
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str | None  # None: superuser without a StaffMember row
    provider: str | None = None
    team: str | None = None
    municipality: str | None = None
    rp: bool = False
    vza: Decimal | None = None
    qualification: str = ""
    requalification_started: dt.date | None = None
    requalification_finished: dt.date | None = None
    start_date: dt.date | None = None
    demo: bool = False  # demo login with DEMO_PASSWORD; generated staff get no usable password
    description: str = ""


SOZ = StaffMember.Qualification.SOZIALWESEN
DEMO_STAFF = [
    StaffSpec(
        "manager",
        "Jonas",
        "Becker",
        Role.MANAGER,
        LRA,
        "Team Nord",
        vza=Decimal("1.00"),
        qualification=SOZ,
        start_date=dt.date(2023, 3, 1),
        demo=True,
        description="Landratsamt Musterkreis, Team Nord",
    ),
    StaffSpec(
        "teamleitung",
        "Sabine",
        "Krüger",
        Role.TEAM_LEAD,
        LRA,
        "Team Nord",
        vza=Decimal("1.00"),
        qualification=SOZ,
        start_date=dt.date(2018, 1, 1),
        demo=True,
        description="Landratsamt Musterkreis, Team Nord",
    ),
    StaffSpec(
        "koordination",
        "Martina",
        "Hoffmeister",
        Role.OFFICE,
        LRA,
        vza=Decimal("1.00"),
        qualification=SOZ,
        start_date=dt.date(2017, 6, 1),
        demo=True,
        description="Koordinierungsstelle im Landratsamt Musterkreis",
    ),
    StaffSpec(
        "gemeinde",
        "Thomas",
        "Wagenknecht",
        Role.MUNICIPALITY,
        municipality="Musterstadt",
        demo=True,
        description="Hauptamt der Stadt Musterstadt",
    ),
    StaffSpec("rp", "Claudia", "Schäfer", Role.RP, rp=True, demo=True, description=RP_NAME),
    StaffSpec(
        "vu",
        "Miriam",
        "Yilmaz",
        Role.VU,
        demo=True,
        description="Sozialdienst der vorläufigen Unterbringung des Landkreises",
    ),
    StaffSpec(
        "admin",
        "Demo",
        "Administration",
        None,
        demo=True,
        description="Django-Superuser (Verwaltung)",
    ),
]


def _username(first: str, last: str) -> str:
    text = f"{first}.{last}".lower()
    for umlaut, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i")):
        text = text.replace(umlaut, ascii_)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def staff_specs() -> list[StaffSpec]:
    """The demo logins and the generated integration managers (fixed, independent of --seed)."""
    rng = random.Random(STAFF_SEED)
    names = iter(STAFF_NAMES)
    specs = list(DEMO_STAFF)
    for team, (provider, _, count) in TEAMS.items():
        for _ in range(count):
            first, last = next(names)
            start = dt.date(2017 + rng.randrange(9), 1 + rng.randrange(12), 1)
            quali, req_start, req_end = SOZ, None, None
            if rng.random() < 0.2:
                quali = StaffMember.Qualification.OTHER
                req_start = start + dt.timedelta(days=rng.randrange(14, 85))
                if start < dt.date(2025, 1, 1):
                    req_end = req_start + dt.timedelta(days=rng.randrange(90, 300))
            vza = Decimal(rng.choice(["1.00", "1.00", "1.00", "0.75", "0.75", "0.80", "0.50"]))
            specs.append(
                StaffSpec(
                    _username(first, last),
                    first,
                    last,
                    Role.MANAGER,
                    provider,
                    team,
                    vza=vza,
                    qualification=quali,
                    requalification_started=req_start,
                    requalification_finished=req_end,
                    start_date=start,
                )
            )
    # Every team has a lead who decides on extensions (four-eyes); Team Nord's is the demo login.
    for team, (first, last, start) in TEAM_LEADS.items():
        specs.append(
            StaffSpec(
                _username(first, last),
                first,
                last,
                Role.TEAM_LEAD,
                TEAMS[team][0],
                team,
                vza=Decimal("1.00"),
                qualification=SOZ,
                start_date=start,
            )
        )
    for municipality, (first, last) in MUNICIPAL_STAFF.items():
        specs.append(
            StaffSpec(
                _username(first, last),
                first,
                last,
                Role.MUNICIPALITY,
                municipality=municipality,
                description=f"Hauptamt {municipality}",
            )
        )
    return specs


def team_lead_of(team: str) -> str:
    """Username of the team lead deciding on the team's extension requests."""
    if team == "Team Nord":
        return "teamleitung"
    first, last, _ = TEAM_LEADS[team]
    return _username(first, last)


# The Hauptamt of every other municipality (Musterstadt's is the demo login "gemeinde"): they
# return the person lists, record the decisions and, for a municipal provider's seat, enter the
# Verwendungsnachweis in the demo's funding procedure (no usable password).
MUNICIPAL_STAFF: dict[str, tuple[str, str]] = {
    "Lindenfeld": ("Petra", "Wendel"),
    "Birkenweiler": ("Klaus", "Ebert"),
    "Eichenrode": ("Monika", "Seitz"),
    "Weidenau": ("Jürgen", "Haas"),
    "Rosenbach": ("Birgit", "Lorenz"),
    "Sonnhalden": ("Uwe", "Brandt"),
    "Mühlried": ("Gabriele", "Ott"),
    "Steinhöfen": ("Dieter", "Pfeiffer"),
    "Tannweiler": ("Ute", "Kessler"),
    "Ahornbach": ("Frank", "Dietrich"),
    "Hasenfeld": ("Elke", "Stark"),
    "Neuenmuster": ("Bernd", "Fuchs"),
    "Obertal": ("Silke", "Graf"),
    "Kleinbach": ("Holger", "Ziegler"),
    "Hinterweiler": ("Anja", "Winter"),
    "Fuchsweiler": ("Rainer", "Busch"),
    "Bergstadt": ("Karin", "Engel"),
    "Untertal": ("Werner", "Kaiser"),
    "Seefelden": ("Sabine", "Albrecht"),
}


def municipal_username(municipality: str) -> str:
    """Username of the municipality's Hauptamt in the demo ("gemeinde" for Musterstadt)."""
    if municipality == "Musterstadt":
        return "gemeinde"
    first, last = MUNICIPAL_STAFF[municipality]
    return _username(first, last)


# Leads of the generated teams (Team Nord is led by the demo login "teamleitung").
TEAM_LEADS: dict[str, tuple[str, str, dt.date]] = {
    "Team Mitte": ("Christine", "Böhm", dt.date(2017, 9, 1)),
    "Team Süd": ("Andreas", "Kuhn", dt.date(2019, 2, 1)),
    "Team Neuenmuster": ("Sandra", "Frank", dt.date(2018, 4, 1)),
    "Team Obertal": ("Ralf", "Berger", dt.date(2020, 1, 1)),
    "Team Verbund Kleinbach": ("Heike", "Roth", dt.date(2021, 7, 1)),
    "Team Bergstadt": ("Matthias", "Sauer", dt.date(2019, 10, 1)),
    "Team Diakonie Seefelden": ("Ayşe", "Demirtaş", dt.date(2022, 3, 1)),
}

# nationality → spoken languages of a household, with weights (the first is the main one)
LANGUAGES: dict[str, list[tuple[tuple[str, ...], int]]] = {
    "SYR": [(("Arabisch",), 75), (("Kurdisch", "Arabisch"), 20), (("Arabisch", "Englisch"), 5)],
    "AFG": [(("Dari",), 60), (("Paschtu", "Dari"), 30), (("Dari", "Englisch"), 10)],
    "UKR": [
        (("Ukrainisch", "Russisch"), 70),
        (("Russisch", "Ukrainisch"), 20),
        (("Ukrainisch",), 10),
    ],
    "IRQ": [(("Arabisch",), 45), (("Kurdisch", "Arabisch"), 40), (("Kurdisch",), 15)],
    "TUR": [(("Türkisch",), 45), (("Kurdisch", "Türkisch"), 55)],
    "ERI": [(("Tigrinya",), 80), (("Tigrinya", "Englisch"), 20)],
    "NGA": [(("Englisch",), 100)],
    "GEO": [(("Georgisch", "Russisch"), 70), (("Georgisch",), 30)],
}

# nationality → weights of schutzstatus, duldung, gestattung (Ukraine: always § 24 AufenthG)
RESIDENCE_WEIGHTS: dict[str, tuple[int, int, int]] = {
    "SYR": (90, 4, 6),
    "AFG": (80, 10, 10),
    "IRQ": (65, 20, 15),
    "TUR": (55, 15, 30),
    "ERI": (90, 3, 7),
    "NGA": (30, 45, 25),
    "GEO": (15, 55, 30),
}

# Written reasons of extension requests (VwV IntM: justified single case).
EXTENSION_REASONS = [
    "Ausbildung zur Pflegefachkraft beginnt im Herbst; Begleitung bei Anmeldung, "
    "BAföG-Antrag und Wohnungssuche ist noch nötig.",
    "Alleinerziehend mit drei Kindern, Kita-Platz erst ab dem Frühjahr; Sprachkurs B1 "
    "wurde deshalb unterbrochen und soll fortgesetzt werden.",
    "Anerkennungsverfahren des ausländischen Abschlusses läuft noch; Unterstützung bei "
    "Nachweisen und Anpassungsqualifizierung erforderlich.",
    "Längere Erkrankung im zweiten Beratungsjahr, Ziele aus Plan B (Arbeit, Wohnen) "
    "konnten deshalb noch nicht erreicht werden.",
    "Wohnung in Aussicht, Mietvertrag und Umzug aus der Anschlussunterbringung stehen an; "
    "Beratung bis zum Einzug und zur Anmeldung beim Jobcenter nötig.",
    "Familiennachzug der Kinder steht bevor; Begleitung bei Schulanmeldung und "
    "Kita-Suche in den ersten Monaten erforderlich.",
]

# nationality → (weight, last names, male first names, female first names)
NATIONALITIES: dict[str, tuple[int, str, str, str]] = {
    "SYR": (
        25,
        "Al-Ahmad|Alahmad|Al Ahmad, Haddad, Khalil|Chalil, Al-Hussein|Alhussein|Al Hussain, Hamdan,"
        " Ibrahim, Mahmoud|Mahmud, Othman|Osman, Al-Khatib|Alkhatib, Darwish|Darwisch,"
        " Suleiman|Sulaiman|Sleiman, Abdullah|Abdallah, Hassan|Hasan, Alali|Al-Ali, Kassem|Qasem,"
        " Nasser|Naser, Al-Omar|Alomar, Hamoud|Hammoud, Shaaban|Schaaban, Al-Masri|Almasri",
        "Mohammad|Muhammad|Mohamad|Mohammed, Ahmad|Ahmed, Omar|Umar, Khaled|Khalid, Yousef|Youssef"
        "|Yusuf, Mahmoud|Mahmud, Ali, Hussein|Husain, Abdulrahman|Abdul Rahman, Ibrahim, Hamza,"
        " Bilal, Karim, Tarek|Tariq, Samer, Ammar, Rami, Zaid|Said",
        "Fatima|Fatma, Aisha|Aischa|Ayesha, Rania, Hiba, Rasha, Nour|Nur, Lama, Amal,"
        " Yasmin|Jasmin, Maryam|Mariam, Zainab|Zeinab, Reem|Rim, Huda, Dalia, Rawan,"
        " Sara|Sarah, Rahaf, Bayan",
    ),
    "AFG": (
        18,
        "Ahmadi, Mohammadi|Muhammadi, Hosseini|Husseini|Hussaini, Rahimi, Karimi, Sultani,"
        " Noori|Nuri, Azizi, Haidari|Haydari, Rezaei|Rezai, Jafari|Jafary, Sadat, Safi,"
        " Stanikzai, Popalzai, Wardak, Amiri, Habibi, Nazari, Yousufzai|Yusufzai",
        "Ahmad, Mohammad|Muhammad, Ali, Reza|Resa, Hamid, Javad|Jawad, Mustafa, Sayed|Said, Farid,"
        " Naveed|Navid, Samiullah, Abdul, Zabiullah, Hamidullah, Omid|Umid, Rahmatullah, Sohrab",
        "Fatima, Zahra|Sahra, Maryam|Mariam, Marzia, Farzana, Nargis, Shabnam|Schabnam, Parwana,"
        " Sakina, Roya, Mahbooba|Mahbuba, Sima, Nilofar|Nilufar, Freshta|Fereshta, Laila|Leila",
    ),
    "UKR": (
        22,
        "Kovalenko|Kowalenko, Shevchenko|Schewtschenko, Bondarenko, Tkachenko|Tkatschenko,"
        " Kravchenko|Krawtschenko, Melnyk|Melnik, Petrenko, Boyko|Bojko, Koval|Kowal,"
        " Oliinyk|Oleinik, Shevchuk|Schewtschuk, Polishchuk|Polischtschuk, Lysenko|Lyssenko,"
        " Marchenko|Martschenko, Rudenko, Savchenko|Sawtschenko, Moroz|Moros, Hrytsenko|Grizenko",
        "Oleksandr|Olexandr|Alexander, Andrii|Andriy|Andrij, Dmytro|Dmitro, Maksym|Maxim,"
        " Serhii|Serhiy|Sergej, Artem|Artjom, Mykola|Nikolaj, Volodymyr|Wolodymyr, Yurii|Jurij,"
        " Ivan|Iwan, Bohdan, Denys|Denis, Matvii|Matwij, Mykhailo|Michailo, Taras, Vasyl|Wassyl",
        "Olena|Elena, Iryna|Irina, Tetiana|Tetyana|Tatjana, Nataliia|Natalia|Natalija, Oksana,"
        " Yuliia|Yulia|Julija, Svitlana|Swetlana, Kateryna|Katerina, Anastasiia|Anastasia,"
        " Sofiia|Sofia, Viktoriia|Viktoria, Daryna, Mariia|Marija, Alina, Valentyna|Walentyna,"
        " Liudmyla|Ljudmila, Halyna|Galina",
    ),
    "IRQ": (
        8,
        "Al-Jabouri|Aljuboori, Khalaf|Chalaf, Hussein|Husein, Murad, Qasim|Kassim, Saleh|Salih,"
        " Jasim|Jassim, Al-Obaidi|Alobaidi, Rashid|Raschid, Haji|Hadschi, Khudeda|Chudeda,"
        " Elias|Ilyas, Naso, Barakat, Sinjari|Shingali, Abdulkarim",
        "Ali, Hassan, Mustafa, Haider|Haidar, Ahmed, Khalil, Qasim, Murad, Saad, Azad, Sherwan,"
        " Dilshad, Karwan, Faris, Hogir",
        "Nadia|Nadja, Layla|Leyla, Zainab, Noor|Nur, Shirin|Schirin, Jihan|Dschihan, Bushra,"
        " Samira, Hana, Sozan, Nareen|Narin, Avin",
    ),
    "TUR": (
        10,
        "Yılmaz|Yilmaz, Kaya, Demir, Şahin|Sahin, Çelik|Celik, Yıldız|Yildiz, Aydın|Aydin,"
        " Öztürk|Oeztuerk|Ozturk, Arslan, Doğan|Dogan, Kılıç|Kilic, Aslan, Polat, Korkmaz,"
        " Güler|Gueler, Tekin, Kurt, Baran, Ekinci, Tunç|Tunc",
        "Mehmet|Mehmed, Mustafa, Ahmet, Ali, Hüseyin|Huseyin, Murat, İbrahim|Ibrahim, Emre,"
        " Yusuf, Serkan, Kemal, Baran, Rojhat, Deniz, Eren, Mazlum",
        "Ayşe|Ayse, Fatma, Emine, Zeynep|Zeinep, Elif, Hatice, Meryem|Meriem, Özlem|Oezlem,"
        " Sevda, Derya, Berfin, Rojda, Gülsüm|Guelsuem, Esra",
    ),
    "ERI": (
        6,
        "Tesfay|Tesfaye, Ghebremedhin|Gebremedhin, Tekle|Teklay, Habte, Kidane, Haile,"
        " Berhane|Berhe, Woldu|Weldu, Mebrahtu, Tesfamariam, Yohannes|Johannes,"
        " Ghebreyesus|Gebreyesus, Asfaha, Measho, Abraha",
        "Yonas|Jonas, Dawit|Dawid, Filmon, Semere, Robel, Merhawi, Samuel, Tesfalem, Henok,"
        " Mussie, Biniam|Binyam, Aron",
        "Selam, Helen, Senait|Senayt, Luwam, Saba, Tsega, Rahel, Feven, Winta, Eden, Mizan, Hiwet",
    ),
    "NGA": (
        5,
        "Okafor, Okonkwo, Eze, Adeyemi, Olawale, Ogunleye, Abubakar, Nwosu, Chukwu, Obi,"
        " Adebayo, Balogun, Onyeka, Osagie, Igbinedion, Omoregie",
        "Chinedu, Emeka, Oluwaseun|Seun, Tunde, Ibrahim, Samuel, Daniel, Osaze|Osas, Uchenna,"
        " Chukwuemeka, Godwin, Kingsley, Victor",
        "Blessing, Joy, Precious, Chioma, Ngozi, Adaeze, Funmilayo, Esther, Grace, Osasere,"
        " Favour, Mercy, Faith",
    ),
    "GEO": (
        6,
        "Beridze, Kapanadze, Gelashvili|Gelaschwili, Maisuradze|Maissuradse, Giorgadze, Lomidze,"
        " Tsiklauri|Ziklauri, Bolkvadze|Bolkwadse, Khutsishvili|Chuzischwili, Nozadze,"
        " Tabatadze, Kiknadze, Abashidze|Abaschidse",
        "Giorgi|Georgi, Davit|David, Levan|Lewan, Irakli, Nika, Luka, Zurab|Surab, Giga,"
        " Lasha|Lascha, Tornike, Sandro",
        "Nino, Mariam, Tamar|Tamari, Ana|Anna, Salome, Ketevan|Ketewan, Nana, Eka, Natia,"
        " Sopho|Sofo, Elene",
    ),
}

# Staff of the demo Kreis (fictional): first name, last name.
STAFF_NAMES = [
    ("Anna", "Schneider"),
    ("Lukas", "Fischer"),
    ("Katharina", "Weber"),
    ("Stefan", "Meyer"),
    ("Julia", "Wagner"),
    ("Tobias", "Schulz"),
    ("Laura", "Hoffmann"),
    ("Daniel", "Bauer"),
    ("Sarah", "Richter"),
    ("Michael", "Klein"),
    ("Lena", "Wolf"),
    ("Florian", "Schröder"),
    ("Miriam", "Neumann"),
    ("Fatih", "Yıldırım"),
    ("Johanna", "Schwarz"),
    ("Markus", "Zimmermann"),
    ("Nadine", "Braun"),
    ("Ahmad", "Karimi"),
    ("Carina", "Hofmann"),
    ("Philipp", "Hartmann"),
    ("Svenja", "Lange"),
    ("Oksana", "Melnyk"),
    ("Benedikt", "Krause"),
    ("Ramona", "Vogel"),
    ("Moritz", "Keller"),
    ("Jana", "Lehmann"),
]


@functools.cache  # asked once per household, of a few fixed lists
def variants(entry_list: str) -> tuple[tuple[str, ...], ...]:
    """``"A|B, C"`` → ``(("A", "B"), ("C",))``."""
    return tuple(tuple(v.strip() for v in entry.split("|")) for entry in entry_list.split(","))
