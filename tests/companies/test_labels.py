from relais.companies.labels import legal_form_label, naf_label, staff_size_label


def test_legal_form_uses_the_most_precise_level_known():
    assert legal_form_label("5710") == "SAS, société par actions simplifiée (5710)"
    assert legal_form_label("") == ""


def test_naf_label_is_the_division():
    assert naf_label("62.01Z") == "Programmation, conseil et autres activités informatiques (62.01Z)"


def test_staff_size_label():
    assert staff_size_label("11") == "10 à 19 salariés"
    assert staff_size_label("NN") == "Unités non employeuses"
