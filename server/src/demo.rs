//! The demo store created on first run, so that the first command shows a working system.

use orderbell_shared::CuisineType;

use crate::domain::demo::{DemoDish, DemoStore};

const fn dish(id: i64, category: &'static str, name: &'static str, kind: CuisineType, price_cents: i64) -> DemoDish {
    DemoDish {
        id,
        category,
        name,
        kind,
        price_cents,
        description: None,
    }
}

use CuisineType::{SetMeal, Single};

pub const DEMO: DemoStore = DemoStore {
    id: 1,
    name: "铃声小馆",
    table_count: 12,
    dishes: &[
        dish(1001, "热菜", "宫保鸡丁", Single, 3800),
        dish(1002, "热菜", "鱼香肉丝", Single, 3200),
        dish(1003, "热菜", "麻婆豆腐", Single, 2200),
        dish(1004, "热菜", "红烧肉", Single, 4850),
        dish(1005, "热菜", "清炒时蔬", Single, 1890),
        dish(1006, "凉菜", "拍黄瓜", Single, 1200),
        dish(1007, "凉菜", "夫妻肺片", Single, 2960),
        dish(1008, "主食", "扬州炒饭", Single, 1800),
        dish(1009, "主食", "米饭", Single, 200),
        dish(1010, "汤羹", "西红柿蛋汤", Single, 1500),
        dish(1011, "饮品", "酸梅汤", Single, 850),
        dish(1012, "饮品", "柠檬茶", Single, 990),
        DemoDish {
            description: Some("宫保鸡丁 + 米饭 + 酸梅汤"),
            ..dish(2001, "套餐", "宫保鸡丁套餐", SetMeal, 4580)
        },
        DemoDish {
            description: Some("红烧肉 + 清炒时蔬 + 米饭 ×2 + 西红柿蛋汤"),
            ..dish(2002, "套餐", "双人红烧肉套餐", SetMeal, 8800)
        },
    ],
    set_items: &[
        (2001, 1001, 1),
        (2001, 1009, 1),
        (2001, 1011, 1),
        (2002, 1004, 1),
        (2002, 1005, 1),
        (2002, 1009, 2),
        (2002, 1010, 1),
    ],
};
