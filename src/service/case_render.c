/* case_render.c - joint cases as the JSON the API and the command line
 * print (docs/cases.md, see cases.h). */
#include "cases.h"
#include "core/json.h"
#include "report.h"

static json_t *jstr(const char *s)
{
	return s ? oe_json_string_lossy(s) : json_null();
}

static json_t *counts_json(const oe_case_detail *d)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "reports", (json_int_t)d->nreports, "indicators",
			 (json_int_t)d->nindicators, "events", (json_int_t)d->nevents, "tasks_open",
			 (json_int_t)d->tasks_open, "notes", (json_int_t)d->nnotes);
}

json_t *oe_case_summary_json(const oe_case_detail *d)
{
	const oe_case_row *k = &d->c;
	return json_pack("{s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o}", "id", k->stix_id, "title",
			 jstr(k->title), "status", k->status ? "closed" : "open", "tlp",
			 oe_tlp_name((oe_tlp)k->tlp), "sharing_group", jstr(k->group_name),
			 "origin_org", jstr(k->org_name), "modified", oe_json_time(k->modified),
			 "counts", counts_json(d));
}

json_t *oe_case_task_json(const oe_case_task *t)
{
	return json_pack("{s:s,s:o,s:o,s:o,s:b,s:o,s:o}", "id", t->t.stix_id, "title",
			 jstr(t->title), "assignee", jstr(t->assignee), "due",
			 t->due ? oe_json_time(t->due) : json_null(), "done", t->done, "org",
			 jstr(t->t.org_name), "modified", oe_json_time(t->modified));
}

json_t *oe_case_note_json(const oe_case_item *n)
{
	return json_pack("{s:s,s:o,s:o,s:o,s:o}", "id", n->stix_id, "author",
			 jstr(n->author ? n->author : n->org_name), "org", jstr(n->org_name),
			 "text", jstr(n->text), "created", oe_json_time(n->created));
}

json_t *oe_case_json(const oe_case_detail *d, const char *node)
{
	json_t *j = oe_case_summary_json(d);
	const oe_case_row *k = &d->c;
	json_t *parts = json_array(), *reps = json_array(), *inds = json_array(),
	       *evs = json_array(), *tasks = json_array(), *notes = json_array(),
	       *tl = json_array();
	for (size_t i = 0; i < d->nparts; i++)
		json_array_append_new(parts,
				      json_pack("{s:o,s:o,s:o}", "org", jstr(d->parts[i].name),
						"country", jstr(d->parts[i].country), "node",
						jstr(d->parts[i].node ? d->parts[i].node : node)));
	for (size_t i = 0; i < d->nreports; i++) {
		const oe_report_row *p = &d->reports[i];
		json_array_append_new(reps,
				      json_pack("{s:s,s:s,s:s,s:o}", "id", p->uuid, "category",
						oe_report_category_name(p->category), "status",
						oe_report_status_name(p->status), "deadline",
						oe_json_time(p->due_at)));
	}
	for (size_t i = 0; i < d->nindicators; i++) {
		const oe_indicator_view *v = &d->indicators[i].v;
		json_array_append_new(inds,
				      json_pack("{s:s,s:s,s:o,s:s}", "id", v->stix_id, "type",
						oe_itype_name(v->type), "value", jstr(v->value),
						"tlp", oe_tlp_name((oe_tlp)v->tlp)));
	}
	for (size_t i = 0; i < d->nevents; i++)
		json_array_append_new(evs, json_pack("{s:s,s:o}", "id", d->events[i].uuid, "title",
						     jstr(d->events[i].title)));
	for (size_t i = 0; i < d->ntasks; i++)
		json_array_append_new(tasks, oe_case_task_json(&d->tasks[i]));
	for (size_t i = 0; i < d->nnotes; i++)
		json_array_append_new(notes, oe_case_note_json(&d->notes[i]));
	for (size_t i = 0; i < d->ntimeline; i++) {
		const oe_case_event *e = &d->timeline[i];
		json_array_append_new(tl,
				      json_pack("{s:o,s:o,s:o,s:o,s:o}", "ts", oe_json_time(e->ts),
						"actor", jstr(e->actor), "org", jstr(e->org_name),
						"kind", jstr(e->kind), "text", jstr(e->text)));
	}
	json_object_set_new(j, "description", jstr(k->description));
	json_object_set_new(j, "origin_node", jstr(k->origin_node ? k->origin_node : node));
	json_object_set_new(j, "created", oe_json_time(k->created));
	json_object_set_new(j, "participants", parts);
	json_object_set_new(j, "reports", reps);
	json_object_set_new(j, "indicators", inds);
	json_object_set_new(j, "events", evs);
	json_object_set_new(j, "tasks", tasks);
	json_object_set_new(j, "notes", notes);
	json_object_set_new(j, "timeline", tl);
	return j;
}
