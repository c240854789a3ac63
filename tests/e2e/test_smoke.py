"""The window opens on the sandbox and shows the app name and the six regions."""
from selenium.webdriver.common.by import By

from conftest import wait
from pages import App

REGIONS = {
    "China (Beijing)", "Singapore", "Japan (Tokyo)", "China (Hong Kong)",
    "Germany (Frankfurt)", "US (Virginia)",
}


def test_window_shows_app_name_and_six_regions(driver):
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=region-switcher]"))
    assert "Studio Keys" in driver.find_element(By.CSS_SELECTOR, "[data-testid=app-name]").text
    switcher = driver.find_element(By.CSS_SELECTOR, "[data-testid=region-switcher]")
    options = switcher.find_elements(By.CSS_SELECTOR, "option, [data-testid^=region-]")
    names = {o.get_attribute("textContent").strip() for o in options}
    assert REGIONS <= names, f"region switcher shows {sorted(names)}"
    assert driver.title == "Studio Keys"


def test_the_welcome_screen_is_answered_once(launch, home):
    app = App(launch())
    app.visible("first-run")
    app.click("first-run-sandbox")
    app.visible("key-list")
    settings = home.root / "config" / "studio-keys" / "settings.json"
    app.wait().until(lambda d: settings.exists() and '"welcomeDone": true' in settings.read_text(),
                     "the choice is written to the settings file")
    # The next launch (same settings) opens straight on the key list.
    again = App(launch())
    again.visible("key-list")
    assert not again.present("first-run")
