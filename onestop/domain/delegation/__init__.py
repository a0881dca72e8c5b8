"""Delegation of authority: ủy quyền (TUQ.), ký thay (KT.), thừa lệnh (TL.), substitutes."""
