'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const API = '/api/v1';

  const STATUS = {
    pending: 'en attente de confirmation', confirmed: 'confirmée', cancelled: 'annulée',
    rescheduled: 'déplacée', completed: 'terminée', no_show: 'absence constatée',
  };
  const DEPOSIT_STATUS = {
    unpaid: 'non payé', pending: 'paiement en cours', authorized: 'autorisé', captured: 'payé',
    refunded: 'remboursé', waived: 'non demandé', failed: 'paiement échoué',
  };
  const FINISHED = new Set(['cancelled', 'completed', 'no_show']);

  const money = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
  // Dates are calendar days in the artisan's zone: format them as UTC so the browser's zone can't shift them.
  const dayFormat = new Intl.DateTimeFormat('fr-FR',
    { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const instantFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });

  let services = [];
  let selectedTime = null;
  // The Idempotency-Key of a booking attempt whose answer never arrived, kept for a retry of the same body.
  let pending = null;
  let current = null; // {code, email, booking} of the booking found in the second section
  const loads = { slots: 0, move: 0 };

  // ---- small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function addDays(date, n) {
    const [y, m, d] = date.split('-').map(Number);
    const t = new Date(Date.UTC(y, m - 1, d + n));
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  }

  function formatDay(date) {
    const [y, m, d] = date.split('-').map(Number);
    return dayFormat.format(new Date(Date.UTC(y, m - 1, d)));
  }

  function formatDuration(minutes) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    if (!h) return `${m} min`;
    return m ? `${h} h ${pad(m)}` : `${h} h`;
  }

  function formatCents(cents) { return money.format(cents / 100); }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // randomUUID only exists in secure contexts (HTTPS, localhost); getRandomValues exists everywhere.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ---- API calls and error display

  class ApiError extends Error {
    constructor(message, code, fields, status) {
      super(message);
      this.code = code;
      this.fields = fields || [];
      this.status = status;
    }
  }

  async function api(path, { method = 'GET', body, headers = {} } = {}) {
    const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(API + path, init);
    } catch {
      const message = 'Impossible de joindre le serveur. Vérifiez votre connexion puis réessayez.';
      throw new ApiError(message, 'NETWORK');
    }
    let data = null;
    try { data = await response.json(); } catch { /* not JSON: handled below */ }
    if (response.ok && data) return data;
    const error = data && data.error;
    let message = (error && error.message) || `Une erreur est survenue (HTTP ${response.status}).`;
    const retry = Number(response.headers.get('Retry-After'));
    if (retry > 0) message += ` Réessayez dans ${retry} s.`;
    throw new ApiError(message, error ? error.code : 'HTTP', error && error.fields, response.status);
  }

  const fieldErrors = [];

  function clearErrors() {
    $('error').hidden = true;
    $('error').textContent = '';
    for (const node of fieldErrors.splice(0)) {
      node.hidden = true;
      node.textContent = '';
      const input = $(node.id.replace(/-error$/, ''));
      if (input) input.removeAttribute('aria-invalid');
    }
  }

  function showFieldError(id, message) {
    const node = $(`${id}-error`);
    if (!node) return false;
    node.textContent = message;
    node.hidden = false;
    fieldErrors.push(node);
    const input = $(id);
    if (input) input.setAttribute('aria-invalid', 'true');
    return true;
  }

  // fieldMap: the API's field name → the id of the input it belongs to in this form.
  function showError(err, fieldMap = {}) {
    clearErrors();
    $('error').textContent = err.message || 'Une erreur est survenue.';
    $('error').hidden = false;
    for (const f of (err.fields || [])) {
      if (fieldMap[f.field]) showFieldError(fieldMap[f.field], f.message);
    }
    if (!(err instanceof ApiError)) console.error(err);
  }

  // ---- slots (shared by booking and moving)

  async function loadSlots(kind, container, statusNode, serviceId, date, onPick) {
    const seq = ++loads[kind];
    container.replaceChildren();
    container.dataset.state = 'loading';
    container.dataset.date = date;
    statusNode.textContent = 'Recherche des créneaux…';
    let data;
    try {
      const query = new URLSearchParams({ serviceId, date });
      data = await api(`/availability?${query}`);
    } catch (err) {
      if (seq !== loads[kind]) return;
      container.dataset.state = 'error';
      statusNode.textContent = '';
      showError(err, kind === 'slots' ? { date: 'date', serviceId: 'service' } : { date: 'move-date' });
      return;
    }
    if (seq !== loads[kind]) return; // a newer request (other day or service) superseded this one
    const slots = data.slots.filter((s) => s.date === date);
    for (const slot of slots) {
      const button = el('button', 'slot', slot.time);
      button.type = 'button';
      button.dataset.time = slot.time;
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => onPick(slot, button));
      container.append(button);
    }
    container.dataset.state = slots.length ? 'ready' : 'empty';
    const zone = data.timezone ? ` (heure de ${data.timezone.replace(/^.*\//, '').replace(/_/g, ' ')})` : '';
    statusNode.textContent = slots.length
      ? `${slots.length} créneau${slots.length > 1 ? 'x' : ''} le ${formatDay(date)}${zone}.`
      : `Aucun créneau disponible le ${formatDay(date)}. Essayez un autre jour.`;
  }

  function press(container, button) {
    for (const b of container.querySelectorAll('.slot')) b.setAttribute('aria-pressed', String(b === button));
  }

  // ---- booking details (result and found)

  function renderBooking(container, booking, codeId) {
    const list = el('dl', 'details');
    const add = (term, value) => {
      list.append(el('dt', '', term));
      const dd = el('dd');
      if (value instanceof Node) dd.append(value); else dd.textContent = value;
      list.append(dd);
    };
    const code = el('strong', 'code', booking.code);
    if (codeId) code.id = codeId;
    add('Code', code);
    add('Prestation', `${booking.service} (${formatDuration(booking.durationMinutes)})`);
    add('Rendez-vous', `${formatDay(booking.date)} à ${booking.time}`);
    add('Statut', STATUS[booking.status] || booking.status);
    add('Prix', formatCents(booking.priceCents));
    if (booking.depositCents > 0) {
      const label = DEPOSIT_STATUS[booking.depositStatus] || booking.depositStatus;
      add('Acompte', `${formatCents(booking.depositCents)} — ${label}`);
    }
    container.replaceChildren(list);

    const due = ['unpaid', 'pending', 'failed'].includes(booking.depositStatus) && booking.depositCents > 0
      && !FINISHED.has(booking.status);
    if (due) {
      let text = `Un paiement est requis : acompte de ${formatCents(booking.depositCents)} à régler`;
      if (booking.depositDueBy) text += ` avant le ${instantFormat.format(new Date(booking.depositDueBy))}`;
      text += booking.payLink ? '.' : '. Vous recevrez les instructions de paiement par e-mail.';
      container.append(el('p', 'notice', text));
    }
    if (due && booking.payLink && /^https?:\/\//i.test(booking.payLink)) {
      const link = el('a', 'pay-link', 'Payer l’acompte');
      link.href = booking.payLink;
      link.rel = 'noopener noreferrer';
      const p = el('p');
      p.append(link);
      container.append(p);
    }
  }

  // ---- booking section

  function selectedService() {
    return services.find((s) => s.id === $('service').value);
  }

  function showServiceInfo() {
    const info = $('service-info');
    const service = selectedService();
    info.replaceChildren();
    if (!service) return;
    if (service.description) info.append(el('p', '', service.description));
    const facts = el('ul', 'facts');
    facts.append(el('li', '', `Durée : ${formatDuration(service.durationMinutes)}`));
    facts.append(el('li', '', `Prix : ${formatCents(service.priceCents)}`));
    facts.append(el('li', '', service.depositCents > 0
      ? `Acompte à la réservation : ${formatCents(service.depositCents)} (${service.depositPercent} %)`
      : 'Pas d’acompte'));
    info.append(facts);
  }

  function refreshSlots() {
    selectedTime = null;
    const date = $('date').value;
    $('prev-day').disabled = !date || date <= today();
    const service = selectedService();
    if (!service || !date) {
      $('slots').replaceChildren();
      $('slots').dataset.state = 'idle';
      $('slots-status').textContent = date ? '' : 'Choisissez un jour.';
      return;
    }
    loadSlots('slots', $('slots'), $('slots-status'), service.id, date, (slot, button) => {
      selectedTime = slot.time;
      press($('slots'), button);
      $('slots-status').textContent = `Créneau choisi : ${formatDay(slot.date)} à ${slot.time}.`;
    });
  }

  function shiftDay(input, n, onChange) {
    const next = addDays(input.value || today(), n);
    input.value = next < today() ? today() : next;
    onChange();
  }

  async function loadServices() {
    const select = $('service');
    try {
      services = (await api('/services')).services;
    } catch (err) {
      select.replaceChildren(el('option', '', 'Indisponible'));
      showError(err);
      return;
    }
    if (!services.length) {
      select.replaceChildren(el('option', '', 'Aucune prestation'));
      $('service-info').textContent = 'Aucune prestation n’est proposée pour le moment.';
      return;
    }
    select.replaceChildren(...services.map((s) => {
      const label = `${s.name} — ${formatDuration(s.durationMinutes)} — ${formatCents(s.priceCents)}`;
      const option = el('option', '', label);
      option.value = s.id;
      return option;
    }));
    select.disabled = false;
    $('book').disabled = false;
    showServiceInfo();
    refreshSlots();
  }

  function bookingBody() {
    const phone = $('phone').value.replace(/[\s.\-()]/g, '');
    const customer = { name: $('name').value.trim(), email: $('email').value.trim() };
    if (phone) customer.phone = phone;
    return {
      serviceId: $('service').value, date: $('date').value, time: selectedTime, customer,
      notifications: { email: true, sms: $('sms').checked },
    };
  }

  function checkBooking(body) {
    const problems = [];
    if (!body.time) problems.push(['time', 'Choisissez un créneau.']);
    if (body.customer.name.length < 2) problems.push(['name', 'Indiquez votre nom (2 caractères au moins).']);
    if (!/^[^\s@]+@[^\s@]+$/.test(body.customer.email)) {
      problems.push(['email', 'Indiquez une adresse e-mail valide.']);
    }
    if (body.customer.phone && !/^\+?\d{10,15}$/.test(body.customer.phone)) {
      problems.push(['phone', 'Indiquez un numéro de 10 à 15 chiffres, éventuellement précédé de +.']);
    } else if (body.notifications.sms && !body.customer.phone) {
      problems.push(['phone', 'Indiquez un numéro pour recevoir les SMS.']);
    }
    if (!problems.length) return true;
    clearErrors();
    $('error').textContent = 'Merci de corriger les champs signalés.';
    $('error').hidden = false;
    for (const [id, message] of problems) showFieldError(id, message);
    $(problems[0][0] === 'time' ? 'date' : problems[0][0]).focus();
    return false;
  }

  async function book(event) {
    event.preventDefault();
    const body = bookingBody();
    if (!checkBooking(body)) return;
    clearErrors();
    const json = JSON.stringify(body);
    if (!pending || pending.json !== json) pending = { key: uuid(), json };
    const button = $('book');
    button.disabled = true;
    $('book-status').textContent = 'Réservation en cours…';
    try {
      const headers = { 'Idempotency-Key': pending.key };
      const booking = await api('/bookings', { method: 'POST', body: json, headers });
      pending = null;
      $('book-status').textContent = `Réservation enregistrée : ${booking.code}.`;
      renderBooking($('result-details'), booking, 'booking-code');
      $('result').hidden = false;
      $('result').focus();
      $('find-code').value = booking.code;
      $('find-email').value = body.customer.email;
      refreshSlots();
    } catch (err) {
      // Keep the key only when the first request may still land (network failure, still in progress),
      // so a second click can't book twice; any other answer is final for that key.
      if (err.code !== 'NETWORK' && err.code !== 'IDEMPOTENCY_KEY_IN_USE') pending = null;
      $('book-status').textContent = '';
      showError(err, {
        serviceId: 'service', date: 'date', time: 'time',
        'customer.name': 'name', 'customer.email': 'email', 'customer.phone': 'phone',
        'notifications.sms': 'phone',
      });
      if (err.code === 'SLOT_UNAVAILABLE') refreshSlots();
    } finally {
      button.disabled = false;
    }
  }

  // ---- "Retrouver ma réservation"

  function showFound(booking, email) {
    current = { code: booking.code, email, booking };
    renderBooking($('found'), booking);
    $('found').hidden = false;
    const active = !FINISHED.has(booking.status);
    $('manage').hidden = !active;
    if (active) {
      const start = booking.date > today() ? booking.date : today();
      $('move-date').min = today();
      $('move-date').value = start;
      refreshMoveSlots();
    }
  }

  async function find(event) {
    event.preventDefault();
    clearErrors();
    const code = $('find-code').value.trim();
    const email = $('find-email').value.trim();
    const missing = [];
    if (!code) missing.push(['find-code', 'Indiquez le code reçu lors de la réservation.']);
    if (!email) missing.push(['find-email', 'Indiquez votre adresse e-mail.']);
    if (missing.length) {
      for (const [id, message] of missing) showFieldError(id, message);
      $(missing[0][0]).focus();
      return;
    }
    $('find').disabled = true;
    $('find-status').textContent = 'Recherche…';
    $('moved').textContent = '';
    try {
      const booking = await api(`/bookings/public?${new URLSearchParams({ code, email })}`);
      $('find-status').textContent = 'Réservation trouvée.';
      showFound(booking, email);
    } catch (err) {
      $('find-status').textContent = '';
      $('found').hidden = true;
      $('manage').hidden = true;
      current = null;
      showError(err, { code: 'find-code', email: 'find-email' });
    } finally {
      $('find').disabled = false;
    }
  }

  async function act(path, body, fieldMap, done) {
    clearErrors();
    const controls = [$('cancel'), ...$('move-slots').querySelectorAll('.slot')];
    for (const c of controls) c.disabled = true;
    try {
      const url = `/bookings/${encodeURIComponent(current.code)}/${path}`;
      const booking = await api(url, { method: 'POST', body });
      const oldCode = current.code;
      showFound(booking, current.email);
      done(booking, oldCode);
    } catch (err) {
      showError(err, fieldMap);
    } finally {
      for (const c of controls) c.disabled = false;
    }
  }

  function cancel() {
    if (!current) return;
    act('cancel', { email: current.email }, { email: 'find-email' }, () => {
      $('find-status').textContent = 'Votre réservation est annulée.';
    });
  }

  function refreshMoveSlots() {
    if (!current) return;
    const date = $('move-date').value;
    $('moved').textContent = '';
    if (!date) return;
    const { serviceId } = current.booking;
    loadSlots('move', $('move-slots'), $('move-slots-status'), serviceId, date, (slot, button) => {
      press($('move-slots'), button);
      act('reschedule', { email: current.email, date: slot.date, time: slot.time },
        { email: 'find-email', date: 'move-date', time: 'move-time' }, (booking, oldCode) => {
          let text = `Rendez-vous déplacé au ${formatDay(booking.date)} à ${booking.time}.`;
          if (booking.code !== oldCode) text += ` Nouveau code : ${booking.code}.`;
          $('moved').textContent = text;
        });
    });
  }

  // ---- wiring

  document.addEventListener('DOMContentLoaded', () => {
    $('date').min = today();
    $('date').value = today();
    $('service').addEventListener('change', () => { showServiceInfo(); refreshSlots(); });
    $('date').addEventListener('change', refreshSlots);
    $('prev-day').addEventListener('click', () => shiftDay($('date'), -1, refreshSlots));
    $('next-day').addEventListener('click', () => shiftDay($('date'), 1, refreshSlots));
    $('booking-form').addEventListener('submit', book);
    $('find-form').addEventListener('submit', find);
    $('cancel').addEventListener('click', cancel);
    $('move-date').addEventListener('change', refreshMoveSlots);
    $('find').disabled = false;
    loadServices();
  });
})();
