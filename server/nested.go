package server

// This file holds the handlers of nestRemoting routes (LB3 model.js
// nestRemoting, see nestedRoutes): they resolve the instance the parent
// relation leads to, then run the target model's relation method on it.

// nested wraps the handler of one of the target model's relation routes.
// The wrapper loads the parent (404 MODEL_NOT_FOUND "could not find a
// model with id X", as every instance route), then resolves the related
// instance as LB3 does with the parent relation's getter:
//
//   - to-many parents: __findById__<rel>({nk}); an instance that does not
//     exist or is not related is a 404 "No instance with id {nk} found for
//     <Target>";
//   - to-one parents: __get__<rel>; when there is none (a null or dangling
//     foreign key, no hasOne target) LB3 answers 200 null without running
//     the method, and so does relstore.
//
// The target's method then runs with that instance as its {id}.
func nested(h handlerFunc) handlerFunc {
	return func(c *call) (*reply, error) {
		nest := c.route.nest
		if err := c.requireParent(); err != nil {
			return nil, err
		}
		var inst map[string]any
		if toOne(nest) {
			v, err := c.db.RelatedGet(c.ctx, c.model.Name, c.id, nest.Name, nil)
			if err != nil && !isNotFound(err) {
				return nil, err
			}
			inst, _ = v.(map[string]any)
		} else {
			rec, err := c.db.RelatedFindByID(c.ctx, c.model.Name, c.id, nest.Name, c.nk)
			if err == nil && rec == nil {
				err = errNotFound
			}
			if err != nil {
				return nil, relationNotFoundAs(err, "", "No instance with id %s found for %s", c.nk, nest.Model)
			}
			inst = rec
		}
		target := c.db.Schema().Model(nest.Model)
		if inst == nil || target == nil {
			return ok(nil)
		}
		id, present := inst[target.IDName()]
		if !present || id == nil {
			return ok(nil)
		}
		sub := *c
		sub.model = target
		sub.id = jsString(id)
		sub.nk = ""
		return h(&sub)
	}
}
