"""Rules of the runtime helpers that move list cotangents around (``lst.append`` /
``lst.pop`` in reverse mode). All are linear in their list argument, so each JVP is
the helper applied to the tangent; they exist so derivatives of derivatives of code
with lists work (docs/architecture.md: closure). ``getattr`` (what ``p.w`` lowers to: a
namedtuple's or a dataclass's field) sends its cotangent to that field (``rt.field_vjp``;
``rt.field``, the same read, is what derivative code calls)."""
from .. import runtime as rt
from .registry import defjvp, defvjp, nondiff


@defvjp(rt.append_vjp)
def append_vjp(ct, out, g):
    return rt.join_last(ct[0], ct[1])


@defjvp(rt.append_vjp)
def append_vjp_jvp(d, out, g):
    return rt.append_vjp(d)


@defvjp(rt.unpop_vjp)
def unpop_vjp(ct, out, g, item):
    return rt.drop_last(ct)


@defjvp(rt.unpop_vjp)
def unpop_vjp_jvp(d, out, g, item):
    return rt.unpop_vjp(d, item)


@defvjp(rt.join_last, argnums=(0, 1))
def join_last(ct, out, lst, value):
    return rt.drop_last(ct), ct[-1]


@defjvp(rt.join_last)
def join_last_jvp_0(d, out, lst, value):
    return rt.unpop_vjp(d, value)


@defjvp(rt.join_last, argnum=1)
def join_last_jvp_1(d, out, lst, value):
    return rt.join_last(rt.zeros_like(lst), d)


@defvjp(rt.drop_last)
def drop_last(ct, out, lst):
    return rt.unpop_vjp(ct, lst[-1])


@defjvp(rt.drop_last)
def drop_last_jvp(d, out, lst):
    return rt.drop_last(d)


@defvjp(rt.snapshot_slots)
def snapshot_slots(ct, out, state, snapshots):
    return rt.sum_slots(ct)


@defjvp(rt.snapshot_slots)
def snapshot_slots_jvp(d, out, state, snapshots):
    return rt.snapshot_slots(d, snapshots)


@defvjp(rt.sum_slots)
def sum_slots(ct, out, slots):
    return rt.snapshot_slots(ct, rt.snapshot_count(slots))


@defjvp(rt.sum_slots)
def sum_slots_jvp(d, out, slots):
    return rt.sum_slots(d)


nondiff(rt.binomial_schedule, rt.snapshot_count)
nondiff(rt.check_unshared, effects=True)


@defvjp(rt.unpack_vjp)
def unpack_vjp(ct, out, cts, value):
    return rt.items(ct)


@defjvp(rt.unpack_vjp)
def unpack_vjp_jvp(d, out, cts, value):
    return rt.unpack_vjp(d, value)


@defvjp(rt.items)
def items(ct, out, x):
    return rt.unpack_vjp(ct, x)


@defjvp(rt.items)
def items_jvp(d, out, x):
    return rt.items(d)


@defvjp(rt.save_item)
def save_item(g, out, x, idx):
    return rt.saved_item_vjp(g, out, x, idx)


@defjvp(rt.save_item)
def save_item_jvp(d, out, x, idx):
    return rt.save_item(d, idx)


@defvjp(rt.saved_item_vjp)
def saved_item_vjp(ct, out, g, old, x, idx):
    return rt.save_item(ct, idx)


@defjvp(rt.saved_item_vjp)
def saved_item_vjp_jvp(d, out, g, old, x, idx):
    return rt.saved_item_vjp(d, old, x, idx)


@defvjp(rt.as_list)
def as_list(ct, out, x):
    return rt.unpack_vjp(ct, x)


@defjvp(rt.as_list)
def as_list_jvp(d, out, x):
    return rt.as_list(d)


@defvjp(rt.as_dict)
def as_dict(ct, out, x):
    return rt.as_dict(ct)


@defjvp(rt.as_dict)
def as_dict_jvp(d, out, x):
    return rt.as_dict(d)


nondiff(rt.sort_order, rt.pick_index)
# No derivative (they stop it, both modes) and effects (kept where they are, in the
# primal sweep): print, a failed assert, the write back into a parameter.
nondiff(rt.assert_failed, rt.write_back, print, effects=True, stops=True)


@defvjp(getattr)
def getattr_vjp(g, ans, obj, name):
    return rt.field_vjp(g, obj, name)


@defjvp(getattr)
def getattr_jvp(d, ans, obj, name):
    return rt.field(d, name)


@defvjp(rt.field)
def field(g, ans, x, name):
    return rt.field_vjp(g, x, name)


@defjvp(rt.field)
def field_jvp(d, ans, x, name):
    return rt.field(d, name)


@defvjp(rt.field_vjp)
def field_vjp(ct, out, g, x, name):
    return rt.field(ct, name)


@defjvp(rt.field_vjp)
def field_vjp_jvp(d, out, g, x, name):
    return rt.field_vjp(d, x, name)


@defvjp(rt.as_record, argnums=(1,))
def as_record(g, ans, cls, items):
    return rt.record_children(g)


@defjvp(rt.as_record, argnum=1)
def as_record_jvp(d, ans, cls, items):
    return rt.as_record(cls, d)


@defvjp(rt.record_children)
def record_children(g, ans, r):
    return rt.like_record(r, g)


@defjvp(rt.record_children)
def record_children_jvp(d, ans, r):
    return rt.record_children(d)


@defvjp(rt.like_record, argnums=(1,))
def like_record(g, ans, r, items):
    return rt.record_children(g)


@defjvp(rt.like_record, argnum=1)
def like_record_jvp(d, ans, r, items):
    return rt.like_record(r, d)


nondiff(rt.is_record_type)


@defvjp(rt.iterable)  # a dict's keys carry no derivative; anything else passes through
def iterable(ct, out, x):
    return rt.iterable_vjp(ct, x)


@defjvp(rt.iterable)
def iterable_jvp(d, out, x):
    return rt.iterable(d)


@defvjp(rt.iterable_vjp, argnums=(0,))
def iterable_vjp(g, out, ct, x):
    return rt.iterable_vjp(g, x)


@defjvp(rt.iterable_vjp)
def iterable_vjp_jvp(d, out, ct, x):
    return rt.iterable_vjp(d, x)
