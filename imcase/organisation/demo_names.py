"""Name material for the demo Kreis: refugees' names in Latin transliteration, staff names.

Each entry is one name; ``|`` separates spelling variants of the same name as they turn up in
German files (the first variant is the most common one). All persons are fictional.
"""

from __future__ import annotations

# nationality → (weight, last names, male first names, female first names)
NATIONALITIES: dict[str, tuple[int, str, str, str]] = {
    "SY": (
        25,
        "Al-Ahmad|Alahmad|Al Ahmad, Haddad, Khalil|Chalil, Al-Hussein|Alhussein|Al Hussain, Hamdan,"
        " Ibrahim, Mahmoud|Mahmud, Othman|Osman, Al-Khatib|Alkhatib, Darwish|Darwisch,"
        " Suleiman|Sulaiman|Sleiman, Abdullah|Abdallah, Hassan|Hasan, Alali|Al-Ali, Kassem|Qasem,"
        " Nasser|Naser, Al-Omar|Alomar, Hamoud|Hammoud, Shaaban|Schaaban, Al-Masri|Almasri",
        "Mohammad|Muhammad|Mohamad|Mohammed, Ahmad|Ahmed, Omar|Umar, Khaled|Khalid, Yousef|Youssef"
        "|Yusuf, Mahmoud|Mahmud, Ali, Hussein|Husain, Abdulrahman|Abdul Rahman, Ibrahim, Hamza,"
        " Bilal, Karim, Tarek|Tariq, Samer, Ammar, Rami, Zaid|Said",
        "Fatima|Fatma, Aisha|Aischa|Ayesha, Rania, Hiba, Rasha, Nour|Nur, Lama, Amal, Yasmin|Jasmin,"
        " Maryam|Mariam, Zainab|Zeinab, Reem|Rim, Huda, Dalia, Rawan, Sara|Sarah, Rahaf, Bayan",
    ),
    "AF": (
        18,
        "Ahmadi, Mohammadi|Muhammadi, Hosseini|Husseini|Hussaini, Rahimi, Karimi, Sultani,"
        " Noori|Nuri, Azizi, Haidari|Haydari, Rezaei|Rezai, Jafari|Jafary, Sadat, Safi,"
        " Stanikzai, Popalzai, Wardak, Amiri, Habibi, Nazari, Yousufzai|Yusufzai",
        "Ahmad, Mohammad|Muhammad, Ali, Reza|Resa, Hamid, Javad|Jawad, Mustafa, Sayed|Said, Farid,"
        " Naveed|Navid, Samiullah, Abdul, Zabiullah, Hamidullah, Omid|Umid, Rahmatullah, Sohrab",
        "Fatima, Zahra|Sahra, Maryam|Mariam, Marzia, Farzana, Nargis, Shabnam|Schabnam, Parwana,"
        " Sakina, Roya, Mahbooba|Mahbuba, Sima, Nilofar|Nilufar, Freshta|Fereshta, Laila|Leila",
    ),
    "UA": (
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
    "IQ": (
        8,
        "Al-Jabouri|Aljuboori, Khalaf|Chalaf, Hussein|Husein, Murad, Qasim|Kassim, Saleh|Salih,"
        " Jasim|Jassim, Al-Obaidi|Alobaidi, Rashid|Raschid, Haji|Hadschi, Khudeda|Chudeda,"
        " Elias|Ilyas, Naso, Barakat, Sinjari|Shingali, Abdulkarim",
        "Ali, Hassan, Mustafa, Haider|Haidar, Ahmed, Khalil, Qasim, Murad, Saad, Azad, Sherwan,"
        " Dilshad, Karwan, Faris, Hogir",
        "Nadia|Nadja, Layla|Leyla, Zainab, Noor|Nur, Shirin|Schirin, Jihan|Dschihan, Bushra,"
        " Samira, Hana, Sozan, Nareen|Narin, Avin",
    ),
    "TR": (
        10,
        "Yılmaz|Yilmaz, Kaya, Demir, Şahin|Sahin, Çelik|Celik, Yıldız|Yildiz, Aydın|Aydin,"
        " Öztürk|Oeztuerk|Ozturk, Arslan, Doğan|Dogan, Kılıç|Kilic, Aslan, Polat, Korkmaz,"
        " Güler|Gueler, Tekin, Kurt, Baran, Ekinci, Tunç|Tunc",
        "Mehmet|Mehmed, Mustafa, Ahmet, Ali, Hüseyin|Huseyin, Murat, İbrahim|Ibrahim, Emre,"
        " Yusuf, Serkan, Kemal, Baran, Rojhat, Deniz, Eren, Mazlum",
        "Ayşe|Ayse, Fatma, Emine, Zeynep|Zeinep, Elif, Hatice, Meryem|Meriem, Özlem|Oezlem,"
        " Sevda, Derya, Berfin, Rojda, Gülsüm|Guelsuem, Esra",
    ),
    "ER": (
        6,
        "Tesfay|Tesfaye, Ghebremedhin|Gebremedhin, Tekle|Teklay, Habte, Kidane, Haile,"
        " Berhane|Berhe, Woldu|Weldu, Mebrahtu, Tesfamariam, Yohannes|Johannes,"
        " Ghebreyesus|Gebreyesus, Asfaha, Measho, Abraha",
        "Yonas|Jonas, Dawit|Dawid, Filmon, Semere, Robel, Merhawi, Samuel, Tesfalem, Henok,"
        " Mussie, Biniam|Binyam, Aron",
        "Selam, Helen, Senait|Senayt, Luwam, Saba, Tsega, Rahel, Feven, Winta, Eden, Mizan, Hiwet",
    ),
    "NG": (
        5,
        "Okafor, Okonkwo, Eze, Adeyemi, Olawale, Ogunleye, Abubakar, Nwosu, Chukwu, Obi,"
        " Adebayo, Balogun, Onyeka, Osagie, Igbinedion, Omoregie",
        "Chinedu, Emeka, Oluwaseun|Seun, Tunde, Ibrahim, Samuel, Daniel, Osaze|Osas, Uchenna,"
        " Chukwuemeka, Godwin, Kingsley, Victor",
        "Blessing, Joy, Precious, Chioma, Ngozi, Adaeze, Funmilayo, Esther, Grace, Osasere,"
        " Favour, Mercy, Faith",
    ),
    "GE": (
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
]


def variants(entry_list: str) -> list[tuple[str, ...]]:
    """``"A|B, C"`` → ``[("A", "B"), ("C",)]``."""
    return [tuple(v.strip() for v in entry.split("|")) for entry in entry_list.split(",")]
