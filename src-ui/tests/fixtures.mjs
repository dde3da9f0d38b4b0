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
        { cuisineId: 1001, cuisineName: '宫保鸡丁', cuisineType: 1, unitPrice: 38, quantity: 2, subtotalAmount: 76, remark: null, addUserId: 1 },
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
      ...extra,
    },
    lastReply: null,
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
    ...overrides,
  };
}
