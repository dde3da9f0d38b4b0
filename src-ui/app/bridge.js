// The only file that knows about Tauri: commands out, the `desk-view` event in. Errors from
// commands arrive as {code, message} (ActionError); the UI shows the message and matches on code.

/** @typedef {import('../bindings/DeskView').DeskView} DeskView */
/** @typedef {import('../bindings/Action').Action} Action */
/** @typedef {import('../bindings/ActionError').ActionError} ActionError */
/** @typedef {import('../bindings/Settings').Settings} Settings */
/** @typedef {import('../bindings/PairingOffer').PairingOffer} PairingOffer */
/** @typedef {import('../bindings/StoreReport').StoreReport} StoreReport */
/** @typedef {import('../bindings/AlertSettings').AlertSettings} AlertSettings */

/** @returns {any} */
function tauri() {
  return /** @type {any} */ (window).__TAURI__;
}

/**
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 */
async function call(command, args) {
  return tauri().core.invoke(command, args);
}

/** @returns {Promise<DeskView | null>} */
export const view = () => call('view');
/** @param {string} server @param {string} token */
export const pair = (server, token) => call('pair', { server, token });
export const unpair = () => call('unpair');
/** @param {number} orderId @param {Action} action */
export const act = (orderId, action) => call('act', { orderId, action });
/** @param {Settings} settings */
export const saveSettings = (settings) => call('save_settings', { settings });
export const testSound = () => call('test_sound');
/** The 「店铺」 panel's devices, unheard time and alert settings. @returns {Promise<StoreReport>} */
export const storeReport = () => call('store_report');
/** @param {AlertSettings} settings @returns {Promise<AlertSettings>} */
export const saveAlertSettings = (settings) => call('save_alert_settings', { settings });
/** The owner's tables, by area. @returns {Promise<import('../bindings/StoreTablesDTO').StoreTablesDTO>} */
export const tables = () => call('tables');
/** @param {import('../bindings/NewTable').NewTable} table */
export const addTable = (table) => call('add_table', { table });
/** @param {number} tableId @param {import('../bindings/TableChange').TableChange} change */
export const changeTable = (tableId, change) => call('change_table', { tableId, change });
/** @param {number} tableId */
export const removeTable = (tableId) => call('remove_table', { tableId });
/** @param {number} tableId */
export const newTableLink = (tableId) => call('new_table_link', { tableId });
/** @param {import('../bindings/NewDevice').NewDevice} device @returns {Promise<import('../bindings/IssuedDevice').IssuedDevice>} */
export const issueDevice = (device) => call('issue_device', { device });
/** @param {string} deviceId */
export const revokeDevice = (deviceId) => call('revoke_device', { deviceId });
/** The menu as customers see it. @returns {Promise<import('../bindings/MenuDTO').MenuDTO>} */
export const menu = () => call('menu');
/** @param {string} name */
export const addCategory = (name) => call('add_category', { name });
/** @param {number} categoryId @param {string} name */
export const renameCategory = (categoryId, name) => call('rename_category', { categoryId, name });
/** @param {number} categoryId */
export const removeCategory = (categoryId) => call('remove_category', { categoryId });
/** Every category, in the new order. @param {number[]} ids */
export const reorderCategories = (ids) => call('reorder_categories', { ids });
/** Every dish of the category, in the new order. @param {number} categoryId @param {number[]} ids */
export const reorderDishes = (categoryId, ids) => call('reorder_dishes', { categoryId, ids });
/** @param {import('../bindings/DishInput').DishInput} dish */
export const addDish = (dish) => call('add_dish', { dish });
/** @param {number} dishId @param {import('../bindings/DishInput').DishInput} change */
export const changeDish = (dishId, change) => call('change_dish', { dishId, change });
/** @param {number} dishId */
export const removeDish = (dishId) => call('remove_dish', { dishId });
/** 估清 (true) or back on the menu (false). @param {number} dishId @param {boolean} soldOut */
export const setSoldOut = (dishId, soldOut) => call('set_sold_out', { dishId, soldOut });
/** @param {number} dishId @param {string} contentType @param {number[]} bytes */
export const setDishPhoto = (dishId, contentType, bytes) => call('set_dish_photo', { dishId, contentType, bytes });
/** Save the menu as CSV; where it went. @returns {Promise<string>} */
export const exportMenu = () => call('export_menu');
/** Make the menu the file's. @param {string} contentType @param {number[]} bytes */
export const importMenu = (contentType, bytes) => call('import_menu', { contentType, bytes });
/** The store as customers see it, with its state. @returns {Promise<import('../bindings/StoreDTO').StoreDTO>} */
export const store = () => call('store');
/** Only the fields given change. @param {import('../bindings/StoreSettingsPatch').StoreSettingsPatch} patch @returns {Promise<import('../bindings/StoreDTO').StoreDTO>} */
export const changeStore = (patch) => call('change_store', { patch });
/** @param {string} contentType @param {number[]} bytes @returns {Promise<import('../bindings/StoreDTO').StoreDTO>} */
export const setLogo = (contentType, bytes) => call('set_logo', { contentType, bytes });
/** @returns {Promise<import('../bindings/StoreDTO').StoreDTO>} */
export const removeLogo = () => call('remove_logo');
/** Save the QR sheet; where it went. @returns {Promise<string>} */
export const saveQrSheet = () => call('save_qr_sheet');
/** Every table at a glance. @returns {Promise<import('../bindings/FloorDTO').FloorDTO>} */
export const floor = () => call('floor');
/** @param {number} billId @returns {Promise<import('../bindings/BillDTO').BillDTO>} */
export const bill = (billId) => call('bill', { billId });
/** 结账. @param {number} billId @param {import('../bindings/SettleRequest').SettleRequest} request @returns {Promise<import('../bindings/BillDTO').BillDTO>} */
export const settleBill = (billId, request) => call('settle_bill', { billId, request });
/** 清台. @param {number} billId @param {string | null} reason @returns {Promise<import('../bindings/BillDTO').BillDTO>} */
export const closeBill = (billId, reason) => call('close_bill', { billId, reason });
/** 换桌. @param {number} billId @param {number} tableId @returns {Promise<import('../bindings/BillDTO').BillDTO>} */
export const moveBill = (billId, tableId) => call('move_bill', { billId, tableId });
/** 并台: the answer is the bill joined. @param {number} billId @param {number} tableId @returns {Promise<import('../bindings/BillDTO').BillDTO>} */
export const mergeBill = (billId, tableId) => call('merge_bill', { billId, tableId });
/** 退菜. @param {number} orderId @param {import('../bindings/ReturnRequest').ReturnRequest} request @returns {Promise<import('../bindings/OrderDTO').OrderDTO>} */
export const returnItems = (orderId, request) => call('return_items', { orderId, request });
/** 订单历史. @param {import('../bindings/HistoryQuery').HistoryQuery} query @returns {Promise<import('../bindings/HistoryPage').HistoryPage>} */
export const history = (query) => call('history', { query });
/** 日结. @param {string} date @returns {Promise<import('../bindings/DaySummary').DaySummary>} */
export const daySummary = (date) => call('day_summary', { date });
/** Save the day's CSV; where it went. @param {string} date @returns {Promise<string>} */
export const exportDay = (date) => call('export_day', { date });
/** The store's refunds, newest first: not done yet, or (`all`) every one. @param {boolean} all @returns {Promise<import('../bindings/RefundDTO').RefundDTO[]>} */
export const refunds = (all) => call('refunds', { all });
/** 重试. @param {number} refundId @returns {Promise<import('../bindings/RefundDTO').RefundDTO>} */
export const retryRefund = (refundId) => call('retry_refund', { refundId });
/** 已线下退款, with what was done. @param {number} refundId @param {string} note @returns {Promise<import('../bindings/RefundDTO').RefundDTO>} */
export const refundOffline = (refundId, note) => call('refund_offline', { refundId, note });
/** The store's printers, each with the device that prints to it. @returns {Promise<import('../bindings/PrinterDTO').PrinterDTO[]>} */
export const printers = () => call('printers');
/** @param {import('../bindings/PrinterChange').PrinterChange} printer @returns {Promise<import('../bindings/PrinterDTO').PrinterDTO>} */
export const addPrinter = (printer) => call('add_printer', { printer });
/** @param {number} printerId @param {import('../bindings/PrinterChange').PrinterChange} change @returns {Promise<import('../bindings/PrinterDTO').PrinterDTO>} */
export const changePrinter = (printerId, change) => call('change_printer', { printerId, change });
/** @param {number} printerId */
export const removePrinter = (printerId) => call('remove_printer', { printerId });
/** 测试打印: a test page on the printer, from this device. @param {number} printerId */
export const testPrint = (printerId) => call('test_print', { printerId });
/** 重打: the order's kitchen tickets again; how many were queued. @param {number} orderId @returns {Promise<number>} */
export const reprint = (orderId) => call('reprint', { orderId });
/** Why a `--pair` link was not taken, or null. @returns {Promise<string | null>} */
export const pairingProblem = () => call('pairing_problem');
/** A link from a second launch waiting for an answer, or null. @returns {Promise<PairingOffer | null>} */
export const pairingOffer = () => call('pairing_offer');
/** @param {boolean} yes switch to the offered pairing, or keep the current one */
export const answerOffer = (yes) => call('answer_offer', { switch: yes });
/** @param {number} orders @param {number} notices */
export const rendered = (orders, notices) => call('rendered', { orders, notices });

/** @param {(view: DeskView) => void} handler */
export function onView(handler) {
  return tauri().event.listen('desk-view', (/** @type {{payload: DeskView}} */ e) => handler(e.payload));
}

/** @param {(offer: PairingOffer) => void} handler */
export function onOffer(handler) {
  return tauri().event.listen('pairing-offer', (/** @type {{payload: PairingOffer}} */ e) => handler(e.payload));
}

/** @param {(reason: string) => void} handler */
export function onProblem(handler) {
  return tauri().event.listen('pairing-problem', (/** @type {{payload: string}} */ e) => handler(e.payload));
}

/**
 * The message of a failed command, whatever shape it came in.
 * @param {unknown} error
 */
export function messageOf(error) {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}
