"""Vietnamese by default; English on request, falling back to Vietnamese where untranslated."""


def test_vietnamese_is_the_default(client):
    assert "Đăng nhập" in client.get("/").get_data(as_text=True)


def test_english_is_available_from_the_language_switch(client):
    client.post("/ngon-ngu", data={"lang": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "Electronic one-stop administrative procedure system" in page
    assert "Log in" in page


def test_english_error_messages(client):
    response = client.get("/khong-co", headers={"Accept-Language": "en"})
    assert "was not found" in response.get_data(as_text=True)
