// Views as the desk publishes them (the shape of src-ui/bindings/DeskView.ts), for the tests.

const MIN = 60_000;

/** An order of `table`, paid `minutesAgo` minutes before `now`. */
export function order(id, table, status, minutesAgo, now, extra = {}) {
  return {
    order: {
      orderId: id,
      orderNo: `OB${String(id).padStart(8, '0')}`,
      storeId: 1,
      tableId: id,
      tableNumber: table,
      status,
      items: [
        { cuisineId: 1001, cuisineName: '宫保鸡丁', cuisineType: 1, unitPrice: 38, quantity: 2, subtotalAmount: 76, remark: null, addUserId: 1, returnedQuantity: 0 },
      ],
      totalAmount: 76,
      totalQuantity: 2,
      createdAt: now - minutesAgo * MIN - 1000,
      paidAt: now - minutesAgo * MIN,
      acceptedAt: null,
      readyAt: null,
      finishedAt: null,
      rejectReason: null,
      reminderCount: 0,
      lastReminderAt: null,
      billId: null,
      round: null,
      ...extra,
    },
    lastReply: null,
    unanswered: false,
    soundedOn: [],
    unheard: false,
  };
}

export function view(now, overrides = {}) {
  return {
    role: 'merchant',
    storeId: 1,
    serverUrl: 'http://127.0.0.1:8080',
    connection: { state: 'live', sinceMs: now, attempt: 0, retryInMs: 0, error: null },
    lastEventId: 12,
    orders: [],
    unhandled: 0,
    settings: {
      repeatSecs: 20, lostRepeatSecs: 60, volume: 0.8, muted: false, quietHours: null,
      kitchenYellowMins: 5, kitchenRedMins: 8, startAtLogin: false,
    },
    audio: { ok: true, message: null },
    notifications: { ok: true, message: null },
    replyPresets: ['正在制作', '马上就好', '已出餐'],
    maxReplyChars: 30,
    warning: null,
    floorChanges: 0,
    refunds: [],
    ...overrides,
  };
}

/**
 * A 先吃后付 round of bill `billId` at `table`, submitted unpaid `minutesAgo` minutes before `now`:
 * two dishes, as a table orders.
 */
export function round(id, table, status, minutesAgo, now, billId, number, extra = {}) {
  const entry = order(id, table, status, minutesAgo, now, { paidAt: null, billId, round: number, ...extra });
  entry.order.createdAt = now - minutesAgo * MIN;
  entry.order.items.push({ cuisineId: 1002, cuisineName: '米饭', cuisineType: 1, unitPrice: 2, quantity: 2, subtotalAmount: 4, remark: null, addUserId: 2, returnedQuantity: 0 });
  entry.order.totalAmount = 80;
  entry.order.totalQuantity = 4;
  return entry;
}

/** What `store` answers: 铃声小馆, open, lunch on weekdays and dinner past midnight. */
export function store(overrides = {}) {
  return {
    storeId: 1,
    name: '铃声小馆',
    logo: null,
    logoThumbnail: null,
    announcement: '今日宫保鸡丁 8 折',
    hours: [{ open: '11:00', close: '14:00', days: [1, 2, 3, 4, 5] }, { open: '17:00', close: '02:00' }],
    hoursText: '周一至周五 11:00–14:00；每天 17:00–02:00',
    utcOffsetMinutes: 480,
    paused: false,
    manual: null,
    state: 'open',
    orderingMode: 'pay_first',
    ...overrides,
  };
}

/**
 * Refund `id` of order `id + 100` at `table`, owed `minutesAgo` minutes before `now` (a rejected
 * paid order, paid online with WeChat Pay unless `extra` says otherwise).
 */
export function refund(id, table, status, amount, minutesAgo, now, extra = {}) {
  return {
    refundId: id,
    refundNo: `RF${String(id).padStart(8, '0')}`,
    storeId: 1,
    orderId: id + 100,
    orderNo: `OB${String(id + 100).padStart(8, '0')}`,
    billId: null,
    tableNumber: table,
    cause: 'rejected',
    amount,
    status,
    provider: 'wechat',
    tradeNo: `OB${String(id + 100).padStart(8, '0')}`,
    transactionId: '4200000001',
    lastError: null,
    attempts: 1,
    reason: null,
    createdAt: now - minutesAgo * MIN,
    completedAt: null,
    handledBy: null,
    ...extra,
  };
}
