//! A cart snapshot as the wire's `CartDTO`: priced from the menu, with exact totals.

use orderbell_shared::{CartDTO, CartItemDTO, Money};

use crate::db::CartSnapshot;
use crate::media;

pub fn cart_dto(snapshot: &CartSnapshot) -> CartDTO {
    let items: Vec<CartItemDTO> = snapshot
        .lines
        .iter()
        .map(|l| CartItemDTO {
            cuisine_id: l.dish.id,
            cuisine_name: l.dish.name.clone(),
            cuisine_type: l.dish.kind,
            cuisine_image: l.dish.photo.as_deref().map(media::url),
            unit_price: l.dish.price,
            quantity: l.line.quantity,
            subtotal_amount: l.dish.price * l.line.quantity,
            add_user_id: l.line.diner_id,
            add_user_phone: l.diner_phone.as_deref().map(mask_phone),
            remark: l.line.remark.clone(),
            sold_out: !l.dish.orderable(),
        })
        .collect();
    CartDTO {
        table_id: snapshot.table.id,
        table_number: snapshot.table.number.clone(),
        store_id: snapshot.table.store_id,
        total_amount: items.iter().map(|i| i.subtotal_amount).sum::<Money>(),
        total_quantity: items.iter().map(|i| i.quantity).sum(),
        items,
        version: snapshot.version,
    }
}

/// Everyone at the table sees the cart, so a diner's phone shows only its ends: `138****8000`.
fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let (head, tail) = if chars.len() >= 7 {
        (3, 4)
    } else {
        (0, chars.len().min(2))
    };
    let hidden = chars.len() - head - tail;
    chars[..head]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - tail..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("12345"), "***45");
    }
}
