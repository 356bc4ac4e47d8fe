"""Books through the booking page in headless Chromium, then finds the booking again.

Usage: browser_booking.py BASE_URL
Prints one JSON line {"code", "found", "consoleErrors", "cspViolations"}; exits 0 when both the booking code
and the found booking were shown, 1 otherwise with a one-line reason on stderr.
Needs Debian's chromium and chromium-driver, and PyPI's selenium; nothing is downloaded at run time."""
import json
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
TIMEOUT = 20
DAYS = 14


class Failure(Exception):
    pass


def start_browser():
    os.environ["SE_OFFLINE"] = "true"  # should Selenium Manager ever run, it must not reach the network
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1024"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def wait(driver, what, condition):
    """Waits for condition(driver) to be truthy, failing early with the page's #error message if one shows."""
    def check(d):
        error = d.find_element(By.ID, "error")
        if error.is_displayed() and error.text.strip():
            raise Failure(f"{what}: the page shows an error: {error.text.strip()}")
        return condition(d)
    try:
        return WebDriverWait(driver, TIMEOUT).until(check)
    except TimeoutException:
        raise Failure(f"{what}: nothing after {TIMEOUT} s") from None


def slots_loaded(driver):
    """The #slots state once the slots of the day in #date have arrived, else None."""
    slots = driver.find_element(By.ID, "slots")
    date = driver.find_element(By.ID, "date").get_attribute("value")
    state = slots.get_attribute("data-state")
    if slots.get_attribute("data-date") == date and state in ("ready", "empty"):
        return state
    return None


def book(driver, base_url):
    driver.get(base_url.rstrip("/") + "/")
    if not driver.find_elements(By.ID, "booking-form"):
        raise Failure(f"no booking page at {base_url} (title: {driver.title!r})")
    wait(driver, "services", lambda d: d.find_element(By.ID, "service").is_enabled())
    Select(driver.find_element(By.ID, "service")).select_by_index(0)
    for _ in range(DAYS):
        if wait(driver, "slots", slots_loaded) == "ready":
            break
        driver.find_element(By.ID, "next-day").click()
    else:
        raise Failure(f"no free slot within {DAYS} days")
    driver.find_element(By.CSS_SELECTOR, "#slots button.slot").click()
    driver.find_element(By.ID, "name").send_keys("Navigateur Test")
    driver.find_element(By.ID, "email").send_keys("browser@example.com")
    driver.find_element(By.ID, "book").click()
    return wait(driver, "booking", lambda d: d.find_element(By.ID, "booking-code").text.strip())


def find(driver, code):
    for field, value in (("find-code", code), ("find-email", "browser@example.com")):
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    driver.find_element(By.ID, "find").click()
    found = driver.find_element(By.ID, "found")
    wait(driver, "find", lambda d: found.is_displayed() and code in found.text)


def main():
    if len(sys.argv) != 2:
        print("usage: browser_booking.py BASE_URL", file=sys.stderr)
        return 2
    result = {"code": None, "found": False, "consoleErrors": [], "cspViolations": []}
    reason = None
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            print(f"{path} missing: apt-get install {package}", file=sys.stderr)
            return 1
    try:
        driver = start_browser()
    except WebDriverException as error:
        print(f"cannot start Chromium: {error.msg or error}".splitlines()[0], file=sys.stderr)
        return 1
    try:
        result["code"] = book(driver, sys.argv[1])
        find(driver, result["code"])
        result["found"] = True
    except Failure as failure:
        reason = str(failure)
    except WebDriverException as error:
        reason = f"browser: {(error.msg or type(error).__name__).splitlines()[0]}"
    finally:
        try:
            for entry in driver.get_log("browser"):
                # The browser asks for /favicon.ico on its own; the page has no icon and the API answers 404.
                if entry.get("level") == "SEVERE" and "/favicon.ico " not in entry["message"]:
                    result["consoleErrors"].append(entry["message"])
                    if "Content Security Policy" in entry["message"]:
                        result["cspViolations"].append(entry["message"])
        finally:
            driver.quit()
    print(json.dumps(result, ensure_ascii=False), flush=True)
    if reason:
        print(reason, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
